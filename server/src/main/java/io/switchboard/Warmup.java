package io.switchboard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.controller.core.Controller;
import io.switchboard.controller.core.Mastership;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.store.InMemoryStoreFactory;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFCapabilities;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warm-up before the controller listens, where bridges' work runs on the connections' event loops (cluster off,
 * every enabled app promises never to block): a throwaway controller with fresh instances of the enabled apps, an
 * in-memory store and no REST listens on an ephemeral loopback port, and 16 in-process OpenFlow 1.0 switches (a
 * thread each) drive its packet-in path - handshake, flow stats, learning, new pairs answered by buffered
 * flow-mods, known pairs by packet-outs - for a bounded time. The JVM compiles the decoder, the apps, the flow
 * programmer and the encoder meanwhile, so that the first switches of the real controller are not answered by the
 * interpreter on a CPU shared with the compiler. Nothing of the throwaway controller outlives it: its own store,
 * apps and event loops are closed afterwards.
 *
 * <p>Off unless the system property {@value #PROPERTY} names a duration ({@code 3s}, {@code 1500ms}; {@code 0}:
 * off); the launcher sets it (SWITCHBOARD_WARMUP).
 */
final class Warmup {
  private static final Logger log = LoggerFactory.getLogger(Warmup.class);
  static final String PROPERTY = "switchboard.warmup";
  private static final Duration MAX = Duration.ofSeconds(30);
  /** Destinations: one host per port, announced first; then sources talk to them. */
  private static final int PORTS = 8;
  /** Sources, each talking to every destination on another port: fewer pairs than l2-learning's bridge cap. */
  private static final int SOURCES = 400;
  /** How long the handshake may take (loading the classes of a cold JVM), before the budget starts. */
  private static final Duration HANDSHAKE = Duration.ofSeconds(10);
  /** Enough for the compiler: past this many answers (per switch) the warm-up ends before its time is up. */
  private static final long ENOUGH = 50_000;
  /**
   * Packet-ins in flight at once, per switch: as many as a switch's inbox holds, so that the paths of a full inbox
   * (reads paused, resumed) are compiled too, not only the answer's.
   */
  private static final int WINDOW = 1024;
  /** Switches driving it at once: as many as cbench's standard run, each with its own connection and thread. */
  private static final int SWITCHES = 16;

  private Warmup() {}

  /** The duration the property asks for; empty when it is absent or zero. Bad text is an error naming it. */
  static Duration requested(String text) {
    if (text == null || text.isBlank()) {
      return Duration.ZERO;
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (t.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      } else if (t.equals("0")) {
        d = Duration.ZERO;
      } else {
        throw new NumberFormatException();
      }
      if (d.isNegative() || d.compareTo(MAX) > 0) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + PROPERTY + "=" + text + ": expected a duration of 0 to 30s, e.g. 2s"
          + " or 1500ms (0: no warm-up)");
    }
  }

  /**
   * Runs the warm-up if the property asks for one, for the apps {@code config} enables. A malformed property stops
   * the start with an error naming it; the warm-up itself never fails the start.
   * Returns the packet-ins it answered, -1 when it did not run.
   */
  static long maybeRun(SwitchboardConfig config) {
    return maybeRun(config, requested(System.getProperty(PROPERTY)));
  }

  static long maybeRun(SwitchboardConfig config, Duration budget) {
    if (budget.isZero()) {
      return -1;
    }
    if (config.cluster().enabled()) {
      log.info("warm-up skipped: with the cluster on, bridges' work runs on the worker pool, not the event loops");
      return -1;
    }
    List<ControllerApp> apps = new ArrayList<>();
    for (ControllerApp a : Switchboard.discoverApps()) { // fresh instances, not the real controller's
      if (config.apps().contains(a.name())) {
        if (!a.nonBlocking()) {
          log.info("warm-up skipped: app {} may block, so bridges' work runs on the worker pool", a.name());
          return -1;
        }
        apps.add(a);
      }
    }
    if (apps.isEmpty()) {
      log.info("warm-up skipped: no app enabled");
      return -1;
    }
    try {
      return run(apps, budget);
    } catch (Exception | LinkageError e) {
      log.warn("warm-up stopped early: {}", e.toString());
      return -1;
    }
  }

  /** The throwaway controller and its one switch; returns the packet-ins answered. */
  static long run(List<ControllerApp> apps, Duration budget) throws Exception {
    long started = System.nanoTime();
    String yaml = """
        openflow:
          listen: 127.0.0.1:0
        rest:
          listen: 127.0.0.1:0
        apps: [%s]
        l2-learning:
          packet-in-budget: 1000000
          max-hosts-per-port: 1000000
          max-hosts-per-vlan: 1000000
          max-hosts-per-switch: 1000000
          forget-after: 0s
        reconcile:
          audit-interval: 24h
        """.formatted(String.join(", ", apps.stream().map(ControllerApp::name).toList()));
    // (forget-after 0s: its switches' hosts are forgotten as they leave, not by a timer that outlives it)
    SwitchboardConfig cfg = ConfigLoader.parse(yaml, "<warm-up>");
    long answered;
    // the throwaway controller's own lines (its switches connecting, a cold JVM's slow first batches) would read
    // as the real one's: only its errors are logged, and this class's summary
    ch.qos.logback.classic.Logger core = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.switchboard");
    ch.qos.logback.classic.Level level = core.getLevel();
    core.setLevel(ch.qos.logback.classic.Level.ERROR);
    try (Controller c = new Controller(cfg, apps, new InMemoryStoreFactory(), Mastership.STANDALONE)) {
      InetSocketAddress at = c.start();
      // a few switches at once, each on its own thread and connection: the real ones share event loops too
      java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(SWITCHES,
          r -> {
            Thread t = new Thread(r, "warm-up-switch");
            t.setDaemon(true);
            return t;
          });
      try {
        List<java.util.concurrent.Future<Long>> runs = new ArrayList<>();
        for (int i = 0; i < SWITCHES; i++) {
          long dpid = 0x5757_0000L + i;
          runs.add(threads.submit(() -> {
            try (Socket socket = new Socket(at.getAddress(), at.getPort())) {
              return new Switch(socket, dpid).drive(budget);
            }
          }));
        }
        answered = 0;
        for (java.util.concurrent.Future<Long> r : runs) {
          answered += r.get();
        }
      } finally {
        threads.shutdownNow();
      }
    } finally {
      core.setLevel(level);
    }
    log.info("warm-up: {} packet-ins answered by a throwaway controller in {} ms (compiling the packet-in path"
        + " before listening; -D{}=0 turns it off)", answered, (System.nanoTime() - started) / 1_000_000, PROPERTY);
    return answered;
  }

  /** One OpenFlow 1.0 switch with buffers, over a blocking socket. */
  private static final class Switch {
    private final OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
    private final DataInputStream in;
    private final OutputStream out;
    private final ByteBuf buf = Unpooled.buffer(1 << 16);
    private boolean programmed;
    private int inFlight;
    private long sent;
    private long answered;

    private final long dpid;

    Switch(Socket socket, long dpid) throws IOException {
      this.dpid = dpid;
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(100);
      this.in = new DataInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
    }

    /** Connects, then sends packet-ins for {@code budget} from the moment the controller has programmed it. */
    long drive(Duration budget) throws IOException {
      send(f.buildHello().setXid(1).build());
      flush();
      long deadline = System.nanoTime() + HANDSHAKE.toNanos();
      boolean counting = false;
      while (System.nanoTime() < deadline && answered < ENOUGH) {
        if (programmed) {
          if (!counting) {
            counting = true;
            deadline = System.nanoTime() + budget.toNanos();
          }
          while (inFlight < WINDOW) {
            send(packetIn(sent++));
            inFlight++;
          }
          flush();
        }
        OFMessage m;
        try {
          m = read();
        } catch (SocketTimeoutException e) {
          inFlight = 0; // unanswered (dropped by a limit): send more
          continue;
        }
        if (m == null) {
          break; // closed
        }
        handle(m);
        flush();
      }
      return answered;
    }

    private void handle(OFMessage m) throws IOException {
      switch (m.getType()) {
        case FEATURES_REQUEST -> send(f.buildFeaturesReply().setXid(m.getXid()).setDatapathId(DatapathId.of(dpid))
            .setNBuffers(256).setNTables((short) 1).setPorts(ports()).setActions(Set.of())
            .setCapabilities(EnumSet.of(OFCapabilities.FLOW_STATS)).build());
        case GET_CONFIG_REQUEST -> send(f.buildGetConfigReply().setXid(m.getXid()).setFlags(Set.of())
            .setMissSendLen(0xffff).build());
        case ECHO_REQUEST -> send(f.buildEchoReply().setXid(m.getXid()).setData(((OFEchoRequest) m).getData())
            .build());
        case BARRIER_REQUEST -> send(f.buildBarrierReply().setXid(m.getXid()).build());
        case STATS_REQUEST -> {
          OFStatsRequest<?> r = (OFStatsRequest<?>) m;
          switch (r.getStatsType()) {
            case FLOW -> {
              send(f.buildFlowStatsReply().setXid(m.getXid()).setEntries(List.of()).build());
              programmed = true;
            }
            case DESC -> send(f.buildDescStatsReply().setXid(m.getXid()).setMfrDesc("switchboard")
                .setHwDesc("warm-up").setSwDesc("warm-up").setSerialNum("0").setDpDesc("warmup").build());
            case AGGREGATE -> send(f.buildAggregateStatsReply().setXid(m.getXid()).setPacketCount(U64.ZERO)
                .setByteCount(U64.ZERO).setFlowCount(0).build());
            case TABLE -> send(f.buildTableStatsReply().setXid(m.getXid()).setEntries(List.of()).build());
            case PORT -> send(f.buildPortStatsReply().setXid(m.getXid()).setEntries(List.of()).build());
            default -> { }
          }
        }
        case PACKET_OUT -> answer();
        case FLOW_MOD -> {
          OFBufferId b = ((OFFlowMod) m).getBufferId();
          if (b != null && !b.equals(OFBufferId.NO_BUFFER)) {
            answer();
          }
        }
        default -> { }
      }
    }

    private void answer() {
      answered++;
      inFlight = Math.max(0, inFlight - 1);
    }

    private List<OFPortDesc> ports() {
      List<OFPortDesc> ports = new ArrayList<>();
      for (int p = 1; p <= PORTS; p++) {
        ports.add(port(OFPort.of(p), "wp" + p));
      }
      ports.add(port(OFPort.LOCAL, "warmup"));
      return ports;
    }

    private OFPortDesc port(OFPort no, String name) {
      return f.buildPortDesc().setPortNo(no).setName(name).setHwAddr(MacAddress.of(0x0e5700000000L + no.getPortNumber()))
          .setConfig(Set.of()).setState(Set.of()).build();
    }

    /**
     * Packet-in {@code n}: first each destination announces itself (a broadcast from its port), then sources talk to
     * destinations on other ports, every other one buffered (the new-pair path answers those with a flow-mod).
     */
    private OFMessage packetIn(long n) {
      long src;
      long dst;
      int port;
      if (n < PORTS) {
        src = n;
        dst = -1;
        port = (int) n + 1;
      } else {
        long k = n - PORTS;
        src = PORTS + k % SOURCES;
        port = 1 + (int) (src % PORTS);
        dst = (port + k / SOURCES % (PORTS - 1)) % PORTS; // a destination on another port
      }
      byte[] frame = new byte[64];
      putMac(frame, 0, dst < 0 ? 0xffffffffffffL : 0x0e5701000000L + dst);
      putMac(frame, 6, 0x0e5701000000L + src);
      frame[12] = 0x08; // IPv4; the rest is zeros
      boolean buffered = (n & 1) == 0;
      return f.buildPacketIn().setXid(n).setBufferId(buffered ? OFBufferId.of((int) (n & 0x3fffffff))
              : OFBufferId.NO_BUFFER).setTotalLen(frame.length).setInPort(OFPort.of(port))
          .setReason(OFPacketInReason.NO_MATCH).setData(frame).build();
    }

    private static void putMac(byte[] b, int at, long mac) {
      for (int i = 0; i < 6; i++) {
        b[at + i] = (byte) (mac >>> (8 * (5 - i)));
      }
    }

    private void send(OFMessage m) {
      m.writeTo(buf);
    }

    private void flush() throws IOException {
      if (buf.isReadable()) {
        out.write(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        out.flush();
        buf.clear();
      }
    }

    /** The next message, or null when the controller closed the connection. */
    private OFMessage read() throws IOException {
      byte[] header = new byte[8];
      try {
        in.readFully(header, 0, 1); // the only read that may time out
      } catch (java.io.EOFException e) {
        return null;
      }
      byte[] whole;
      try {
        in.readFully(header, 1, 7);
        int length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
        whole = new byte[Math.max(8, length)];
        System.arraycopy(header, 0, whole, 0, 8);
        in.readFully(whole, 8, whole.length - 8);
      } catch (SocketTimeoutException e) {
        throw new IOException("the controller stalled in the middle of a message");
      }
      try {
        return OFFactories.getGenericReader().readFrom(Unpooled.wrappedBuffer(whole));
      } catch (Exception e) {
        return f.buildEchoReply().setXid(0).build(); // a message this switch does not know: ignored
      }
    }
  }
}
