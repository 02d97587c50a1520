package io.switchboard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.projectfloodlight.openflow.protocol.OFCapabilities;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * One in-process OpenFlow 1.0 switch of the {@link Warmup}, over a blocking socket. Its traffic is a mix, so that
 * the code the JIT compiles has seen the branches real traffic takes (a branch never taken while compiling is left
 * out, and taking it later throws the compiled code away): ARP requests and replies, IPv4 UDP, TCP and ICMP, IPv6,
 * 802.1Q-tagged frames, LLDP; 64 ports; more host pairs than a bridge may hold, so that the pair caps are reached;
 * every other packet-in buffered; and every other entry added expires again (a flow-removed message, as an idle
 * timeout gives), so that the controller keeps forgetting hosts and adding pairs long after the caps are reached.
 * Packet-ins are encoded by hand and only the header of what comes back is read (the two answers, packet-out and a
 * flow-mod carrying a buffer id, by their fixed offsets), so that the switch leaves the CPU to the controller under
 * test.
 */
final class WarmupSwitch {
  /** Counts shared by the warm-up's switches, read by the warm-up while they run. */
  static final class Tally {
    final AtomicLong answered = new AtomicLong();
    final AtomicLong added = new AtomicLong();
    /** Connections opened, reconnections included. */
    final AtomicLong connections = new AtomicLong();
    /** No new packet-ins while set: the JIT gets the CPU to work through what it was asked to compile. */
    volatile boolean paused;
    private final long startedAt = System.nanoTime();

    /**
     * Whether the switches that keep an inbox full send one packet-in at a time now: they do so every other
     * {@link #PHASE_NANOS}. While their inboxes are full, the controller's event loop takes a long turn over each
     * connection and reads few times a second, however many packet-ins it answers; the code run once a read (the
     * channel's read loop, the decoder's entry, the flush after it) then stays in the JIT's first tier through the
     * warm-up, and the first real switches would wait for its optimized compilation. One at a time, every packet-in
     * is a read of its own.
     */
    boolean oneAtATime() {
      return ((System.nanoTime() - startedAt) / PHASE_NANOS & 1) == 1;
    }
  }

  /** How long each phase of {@link Tally#oneAtATime()} lasts. */
  static final long PHASE_NANOS = 500_000_000L;

  /** Ports 1..PORTS; one announced host on each. */
  static final int PORTS = 64;
  /** Hosts talking to the announced ones: with the rounds below, more pairs than l2-learning's bridge cap (4,096). */
  static final int SOURCES = 1_200;
  private static final int OFPT_PACKET_IN = 10;
  private static final int OFPT_PACKET_OUT = 13;
  private static final int OFPT_FLOW_MOD = 14;
  private static final int OFPT_FLOW_REMOVED = 11;
  /** One in this many entries added is reported expired. */
  private static final int EXPIRE_EVERY = 2;
  /** How long the rest of a message may take to arrive once its first byte has. */
  private static final long STALL_NANOS = 5_000_000_000L;
  /** OF 1.0 flow_mod: header 8, match 40, cookie 8, command, idle, hard, priority (2 each), then buffer_id. */
  private static final int FLOW_MOD_BUFFER_ID = 64;

  private final OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
  private final DataInputStream in;
  private final OutputStream out;
  private final ByteBuf buf = Unpooled.buffer(1 << 16);
  private final byte[] header = new byte[8];
  private final byte[] body = new byte[1 << 16];
  private final long dpid;
  private final int index;
  private final int window;
  /** Told once, when the controller has read this switch's flows (the handshake is over). */
  private final Runnable onProgrammed;
  /** All the warm-up's switches' packet-ins answered and entries added, as they go. */
  private final Tally tally;
  private final long trafficFrom;
  private boolean programmed;
  private int inFlight;
  private long sent;
  private long answered;
  private long added;

  /**
   * @param index       this switch's number among the warm-up's (part of its hosts' MACs)
   * @param window      packet-ins in flight at once: as many as an inbox holds, or one (the latency-bound pattern)
   * @param trafficFrom where the test traffic starts, after the announcements: a switch connecting anew goes on
   *                    where its last connection stopped ({@link #trafficSent()}), so that reconnecting does not
   *                    keep it in the first rounds of its pattern
   */
  WarmupSwitch(Socket socket, long dpid, int index, int window, Runnable onProgrammed, Tally tally,
               long trafficFrom) throws IOException {
    this.onProgrammed = onProgrammed;
    this.tally = tally;
    this.trafficFrom = trafficFrom;
    this.dpid = dpid;
    this.index = index;
    this.window = window;
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(100);
    // buffered: a read from the socket per message (three, unbuffered) made the socket's read path hot enough for
    // the optimizing compiler, which then spent seconds of the warm-up on code the controller never runs
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    this.out = socket.getOutputStream();
  }

  /**
   * Connects, then keeps {@code window} packet-ins in flight until {@code stop} says so or {@code max} are answered;
   * gives up when the handshake takes longer than {@code handshakeNanos}. Returns the packet-ins answered.
   */
  long drive(BooleanSupplier stop, long max, long handshakeNanos) throws IOException {
    send(f.buildHello().setXid(1).build());
    flush();
    long handshakeDeadline = System.nanoTime() + handshakeNanos;
    while (answered < max && !stop.getAsBoolean()) {
      if (programmed && !tally.paused) {
        int limit = tally.oneAtATime() ? 1 : window;
        while (inFlight < limit) {
          packetIn(sent++);
          inFlight++;
        }
        flush();
      } else if (!programmed && System.nanoTime() > handshakeDeadline) {
        break;
      }
      int type;
      try {
        type = read();
      } catch (SocketTimeoutException e) {
        inFlight = 0; // unanswered (dropped by a limit): send more
        continue;
      }
      if (type < 0) {
        break; // closed
      }
      handle(type);
      flush();
    }
    return answered;
  }

  private void handle(int type) throws IOException {
    if (type == OFPT_PACKET_OUT) {
      answer();
    } else if (type == OFPT_FLOW_MOD) {
      if (u32(body, FLOW_MOD_BUFFER_ID) != 0xffff_ffffL) {
        answer();
      }
      if (body[56] == 0 && body[57] == 0) { // command ADD
        tally.added.incrementAndGet();
        if (++added % EXPIRE_EVERY == 0) {
          expired();
        }
      }
    } else if (type != OFPT_PACKET_IN) {
      control(readMessage());
    }
  }

  /** The handshake and the occasional request: decoded and answered as a switch would. */
  private void control(OFMessage m) {
    if (m == null) {
      return;
    }
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
            if (!programmed) {
              programmed = true;
              onProgrammed.run();
            }
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
      default -> { }
    }
  }

  /** A flow-removed (idle timeout) for the flow-mod just read: its match, cookie, priority and idle timeout. */
  private void expired() {
    buf.writeByte(1).writeByte(OFPT_FLOW_REMOVED).writeShort(88).writeInt(0);
    buf.writeBytes(body, 8, 40 + 8); // match, cookie
    buf.writeBytes(body, 62, 2); // priority
    buf.writeByte(0).writeByte(0); // reason IDLE_TIMEOUT, pad
    buf.writeInt(1).writeInt(0); // duration
    buf.writeBytes(body, 58, 2).writeShort(0); // idle timeout, pad
    buf.writeLong(0).writeLong(0); // packets, bytes
  }

  private void answer() {
    answered++;
    tally.answered.incrementAndGet();
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

  // ---- traffic

  private long mac(int host) {
    return 0x0e57_0000_0000L | ((long) index << 24) | host;
  }

  private static int ip(int host) {
    return 0x0a57_0000 | host;
  }

  /**
   * Packet-in {@code n}: first each announced host says who it is (an ARP request, broadcast, from its port); then
   * the sources talk to an announced host on another port, a new destination every other round over all sources,
   * in a mix of frame kinds; every 512th, an announced host speaks again (its entry may have expired meanwhile).
   */
  /** Where the next connection's test traffic goes on from. */
  long trafficSent() {
    return trafficFrom + Math.max(0, sent - PORTS);
  }

  /** Whether the controller got as far as programming this switch (the handshake finished). */
  boolean wasProgrammed() {
    return programmed;
  }

  private void packetIn(long n) {
    int start = buf.writerIndex();
    buf.writeByte(1).writeByte(OFPT_PACKET_IN).writeShort(0).writeInt((int) n);
    boolean buffered = (n & 1) == 0;
    buf.writeInt(buffered ? (int) (n & 0x3fff_ffff) : -1);
    int totalLenAt = buf.writerIndex();
    buf.writeShort(0);
    int src;
    int dst;
    int kind;
    long k = trafficFrom + n - PORTS; // the test traffic's own count, across connections
    if (n < PORTS) {
      src = (int) n;
      dst = -1;
      kind = 0;
    } else if (k % 512 == 511) {
      src = (int) (k / 512 % PORTS);
      dst = -1;
      kind = 0;
    } else {
      src = PORTS + (int) (k % SOURCES);
      int srcPort = src % PORTS;
      // each destination for two rounds: the second meets the pairs the first added (a known pair is answered by
      // a packet-out, as every packet-in of a steady state is)
      dst = (int) ((srcPort + 1 + (k / SOURCES / 2) % (PORTS - 1)) % PORTS);
      kind = k % 97 == 96 ? 8 : (int) (k % 8);
    }
    buf.writeShort(1 + src % PORTS).writeByte(0).writeByte(0); // in_port, reason NO_MATCH, pad
    int frameAt = buf.writerIndex();
    frame(kind, src, dst);
    while (buf.writerIndex() - frameAt < 60) {
      buf.writeByte(0);
    }
    buf.setShort(totalLenAt, buf.writerIndex() - frameAt);
    buf.setShort(start + 2, buf.writerIndex() - start);
  }

  private void frame(int kind, int src, int dst) {
    long srcMac = mac(src);
    switch (kind) {
      case 0, 6 -> { // ARP request, broadcast
        ethernet(0xffff_ffff_ffffL, srcMac, 0x0806);
        arp(1, srcMac, ip(src), 0, ip(dst < 0 ? src : dst));
      }
      case 1 -> { // ARP reply
        ethernet(mac(dst), srcMac, 0x0806);
        arp(2, srcMac, ip(src), mac(dst), ip(dst));
      }
      case 2, 7 -> ipv4(mac(dst), srcMac, 17, src, dst);
      case 3 -> ipv4(mac(dst), srcMac, 6, src, dst);
      case 4 -> ipv4(mac(dst), srcMac, 1, src, dst);
      case 5 -> { // IPv6 UDP
        ethernet(mac(dst), srcMac, 0x86dd);
        buf.writeInt(0x6000_0000).writeShort(8).writeByte(17).writeByte(64);
        buf.writeZero(16);
        buf.writeZero(16);
        buf.writeShort(5000).writeShort(5001).writeShort(8).writeShort(0);
      }
      default -> ethernet(0x0180_c200_000eL, srcMac, 0x88cc); // LLDP, to a link-local multicast address
    }
  }

  private void ethernet(long dst, long src, int type) {
    ethernet(dst, src, -1, type);
  }

  /** An Ethernet header; with an 802.1Q tag for {@code vlan} when it is 0 or more. */
  private void ethernet(long dst, long src, int vlan, int type) {
    mac(dst);
    mac(src);
    if (vlan >= 0) {
      buf.writeShort(0x8100).writeShort(vlan);
    }
    buf.writeShort(type);
  }

  private void mac(long mac) {
    buf.writeMedium((int) (mac >>> 24)).writeMedium((int) mac);
  }

  private void arp(int op, long sha, int spa, long tha, int tpa) {
    buf.writeShort(1).writeShort(0x0800).writeByte(6).writeByte(4).writeShort(op);
    mac(sha);
    buf.writeInt(spa);
    mac(tha);
    buf.writeInt(tpa);
  }

  /** An IPv4 packet; every fifth UDP one with an 802.1Q tag (VLAN 10) in front of it. */
  private void ipv4(long dstMac, long srcMac, int proto, int src, int dst) {
    ethernet(dstMac, srcMac, proto == 17 && src % 5 == 0 ? 10 : -1, 0x0800);
    int l4 = proto == 6 ? 20 : 8;
    buf.writeByte(0x45).writeByte(0).writeShort(20 + l4).writeShort(0).writeShort(0x4000);
    buf.writeByte(64).writeByte(proto).writeShort(0).writeInt(ip(src)).writeInt(ip(dst));
    if (proto == 6) {
      buf.writeShort(40000 + src % 1000).writeShort(80).writeInt(1).writeInt(0).writeShort(0x5002)
          .writeShort(1024).writeShort(0).writeShort(0);
    } else if (proto == 1) {
      buf.writeByte(8).writeByte(0).writeShort(0).writeInt(src);
    } else {
      buf.writeShort(5000).writeShort(5001).writeShort(8).writeShort(0);
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

  // ---- reading

  private int length;

  /** Reads the next message into {@link #body}; returns its type, or -1 when the controller closed. */
  private int read() throws IOException {
    try {
      in.readFully(header, 0, 1); // the only read that may time out
    } catch (EOFException e) {
      return -1;
    }
    readRest(header, 1, 7);
    length = Math.max(8, ((header[2] & 0xff) << 8) | (header[3] & 0xff));
    System.arraycopy(header, 0, body, 0, 8);
    readRest(body, 8, length - 8);
    return header[1] & 0xff;
  }

  /** The rest of a message begun: a pause of the controller (a GC, a compile) is waited out, up to a bound. */
  private void readRest(byte[] into, int at, int count) throws IOException {
    long deadline = System.nanoTime() + STALL_NANOS;
    while (count > 0) {
      int n;
      try {
        n = in.read(into, at, count);
      } catch (SocketTimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("the controller stalled in the middle of a message");
        }
        continue;
      }
      if (n < 0) {
        throw new EOFException("closed in the middle of a message");
      }
      at += n;
      count -= n;
    }
  }

  /** The message just read, decoded; null when this switch does not know it. */
  private OFMessage readMessage() {
    try {
      return OFFactories.getGenericReader().readFrom(Unpooled.wrappedBuffer(body, 0, length));
    } catch (Exception e) {
      return null;
    }
  }

  private static long u32(byte[] b, int at) {
    return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
  }
}
