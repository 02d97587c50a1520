package io.switchboard.controller.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsRequest;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.OFRoleRequest;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;

/**
 * An OpenFlow 1.3 switch on a plain blocking socket, for tests of how the controller copes with peers: it does
 * the handshake as Open vSwitch does and answers barriers, echoes, role requests and flow-stats requests (an empty
 * table), and can be told to misbehave: stop reading, stream an endless multipart reply, flood packet-ins.
 */
public final class FakeSwitch implements AutoCloseable {
  private static final OFMessageReader<OFMessage> READER = OFFactories.getGenericReader();
  private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);

  private final long dpid;
  private final Socket socket;
  private final OutputStream out;
  private final Thread reader;
  private final Thread writer;
  /** Answers go out before flood bursts, so that flooding never stops the switch from answering or reading. */
  private final java.util.concurrent.BlockingQueue<byte[]> replies = new java.util.concurrent.LinkedBlockingQueue<>();
  private final java.util.concurrent.BlockingQueue<byte[]> bursts = new java.util.concurrent.ArrayBlockingQueue<>(4);
  private volatile boolean reading = true;
  private volatile boolean endlessFlowStats;
  private volatile boolean answerEchoes = true;
  private volatile boolean closed;
  /** Every message the controller sent, by type (bounded: only the count is kept past 10,000). */
  public final List<OFMessage> received = java.util.Collections.synchronizedList(new ArrayList<>());
  public final AtomicLong messages = new AtomicLong();
  public final AtomicLong packetOuts = new AtomicLong();
  public final AtomicLong flowMods = new AtomicLong();
  /** Bytes that were not an OpenFlow message where one should start (e.g. a message with a wrapped length). */
  public volatile String corrupt;
  private volatile boolean handshakeDone;

  private FakeSwitch(long dpid, Socket socket) throws IOException {
    this.dpid = dpid;
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.reader = new Thread(this::readLoop, "fake-switch-" + Long.toHexString(dpid));
    this.reader.setDaemon(true);
    this.writer = new Thread(this::writeLoop, "fake-switch-writer-" + Long.toHexString(dpid));
    this.writer.setDaemon(true);
  }

  private void writeLoop() {
    try {
      while (!closed) {
        byte[] b = replies.poll();
        if (b == null) {
          b = bursts.poll(5, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        if (b != null) {
          out.write(b);
        }
      }
    } catch (Exception e) {
      closed = true;
    }
  }

  /** Connects from 127.0.0.1 (or {@code from}, another loopback address) and completes the handshake. */
  public static FakeSwitch connect(int port, long dpid) throws Exception {
    return connect(port, dpid, null, true);
  }

  public static FakeSwitch connect(int port, long dpid, String from, boolean handshake) throws Exception {
    Socket s = new Socket();
    if (from != null) {
      s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    }
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setTcpNoDelay(true);
    FakeSwitch sw = new FakeSwitch(dpid, s);
    if (handshake) {
      sw.start();
    }
    return sw;
  }

  /** Says HELLO and starts answering (for a switch connected with {@code handshake} false, once armed). */
  public void start() throws IOException {
    writer.start();
    send(F.buildHello().setXid(1).setElements(List.of(F.helloElemVersionbitmap(List.of(U32.of(1L << 4)))))
        .build());
    reader.start();
  }

  public long dpid() {
    return dpid;
  }

  public boolean handshakeDone() {
    return handshakeDone;
  }

  /** The controller closed the connection (or it broke). */
  public boolean closedByPeer() {
    return closed;
  }

  /** Keeps reading and answering, but no longer answers echo requests: a switch that has hung, to the keepalive. */
  public void ignoreEchoes() {
    answerEchoes = false;
  }

  /** Stops reading from the socket: what the controller sends piles up in its own buffers. */
  public void stopReading() {
    reading = false;
  }

  /** Answers the next flow-stats request with REPLY_MORE parts, forever (until the connection closes). */
  public void streamEndlessFlowStats() {
    endlessFlowStats = true;
  }

  public void send(OFMessage m) throws IOException {
    ByteBuf b = Unpooled.buffer();
    m.writeTo(b);
    byte[] bytes = new byte[b.readableBytes()];
    b.readBytes(bytes);
    replies.add(bytes);
  }

  /** Bytes as they are, e.g. a message the controller cannot decode. */
  public void sendRaw(byte[] bytes) {
    replies.add(bytes.clone());
  }

  /** A packet-in of an Ethernet frame from {@code srcMac} arriving on {@code inPort}, table-miss style. */
  public OFMessage packetIn(long inPort, long srcMac, long dstMac) {
    byte[] frame = new byte[60];
    System.arraycopy(MacAddress.of(dstMac).getBytes(), 0, frame, 0, 6);
    System.arraycopy(MacAddress.of(srcMac).getBytes(), 0, frame, 6, 6);
    frame[12] = 0x08;
    frame[13] = 0x00;
    return F.buildPacketIn().setXid(0).setBufferId(OFBufferId.NO_BUFFER).setTotalLen(frame.length)
        .setReason(OFPacketInReason.NO_MATCH).setTableId(TableId.of(0)).setCookie(U64.ZERO)
        .setMatch(F.buildMatch().setExact(MatchField.IN_PORT, OFPort.of((int) inPort)).build()).setData(frame)
        .build();
  }

  /** Writes packet-ins as fast as the socket takes them for {@code millis}; returns how many were written. */
  public long flood(long millis) throws IOException {
    ByteBuf b = Unpooled.buffer();
    for (int i = 0; i < 64; i++) {
      packetIn(1, 0x0200_0000_0000L + i, 0x0200_0000_1000L).writeTo(b);
    }
    byte[] burst = new byte[b.readableBytes()];
    b.readBytes(burst);
    long end = System.currentTimeMillis() + millis;
    long n = 0;
    try {
      while (System.currentTimeMillis() < end && !closed) {
        if (bursts.offer(burst, 10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          n += 64;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return n;
  }

  private void readLoop() {
    try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
      byte[] header = new byte[8];
      while (true) {
        while (!reading) {
          Thread.sleep(20);
        }
        in.readFully(header);
        int version = header[0] & 0xff;
        int length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
        boolean hello = header[1] == 0;
        if ((version != 4 && !hello) || version < 1 || version > 6 || length < 8) {
          corrupt = "version " + version + ", length " + length + " where a message should start";
          socket.close();
          return;
        }
        byte[] msg = new byte[length];
        System.arraycopy(header, 0, msg, 0, 8);
        in.readFully(msg, 8, length - 8);
        OFMessage m = READER.readFrom(Unpooled.wrappedBuffer(msg));
        messages.incrementAndGet();
        if (m == null) {
          continue;
        }
        if (received.size() < 10_000) {
          received.add(m);
        }
        answer(m);
      }
    } catch (Exception e) {
      // closed, by us or by the controller
    } finally {
      closed = true;
    }
  }

  private void answer(OFMessage m) throws IOException {
    switch (m.getType()) {
      case FEATURES_REQUEST -> send(F.buildFeaturesReply().setXid(m.getXid()).setDatapathId(DatapathId.of(dpid))
          .setNBuffers(256).setNTables((short) 254).build());
      case STATS_REQUEST -> {
        OFStatsRequest<?> r = (OFStatsRequest<?>) m;
        switch (r.getStatsType()) {
          case PORT_DESC -> {
            List<OFPortDesc> ports = new ArrayList<>();
            for (int p = 1; p <= 2; p++) {
              ports.add(F.buildPortDesc().setPortNo(OFPort.of(p)).setName("p" + p)
                  .setHwAddr(MacAddress.of(0x0200_0000_0100L + p)).build());
            }
            ports.add(F.buildPortDesc().setPortNo(OFPort.LOCAL).setName("fake" + Long.toHexString(dpid))
                .setHwAddr(MacAddress.of(0x0200_0000_01ffL)).build());
            send(F.buildPortDescStatsReply().setXid(m.getXid()).setEntries(ports).build());
            handshakeDone = true;
          }
          case FLOW -> {
            if (endlessFlowStats) {
              Thread t = new Thread(() -> streamFlowStats((OFFlowStatsRequest) r), "endless-multipart");
              t.setDaemon(true);
              t.start();
            } else {
              send(F.buildFlowStatsReply().setXid(m.getXid()).setEntries(List.of()).build());
            }
          }
          default -> { }
        }
      }
      case BARRIER_REQUEST -> send(F.buildBarrierReply().setXid(m.getXid()).build());
      case ECHO_REQUEST -> {
        if (answerEchoes) {
          send(F.buildEchoReply().setXid(m.getXid()).build());
        }
      }
      case ROLE_REQUEST -> send(F.buildRoleReply().setXid(m.getXid()).setRole(((OFRoleRequest) m).getRole())
          .setGenerationId(((OFRoleRequest) m).getGenerationId()).build());
      case PACKET_OUT -> packetOuts.incrementAndGet();
      case FLOW_MOD -> flowMods.incrementAndGet();
      default -> { }
    }
  }

  /** REPLY_MORE parts of ~60 KB each, forever: entries that look like real ones, so the controller parses them. */
  private void streamFlowStats(OFFlowStatsRequest req) {
    List<OFFlowStatsEntry> entries = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      entries.add(F.buildFlowStatsEntry().setTableId(TableId.of(0)).setPriority(1000 + i).setCookie(U64.of(i))
          .setMatch(F.buildMatch().setExact(MatchField.ETH_SRC, MacAddress.of(0x0200_0000_0000L + i)).build())
          .build());
    }
    OFMessage part = F.buildFlowStatsReply().setXid(req.getXid()).setFlags(Set.of(OFStatsReplyFlags.REPLY_MORE))
        .setEntries(entries).build();
    ByteBuf b = Unpooled.buffer();
    part.writeTo(b);
    byte[] bytes = new byte[b.readableBytes()];
    b.readBytes(bytes);
    try {
      while (!closed) {
        bursts.offer(bytes, 10, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How many messages of a type the controller sent (among the first 10,000). */
  public long count(OFType type) {
    synchronized (received) {
      return received.stream().filter(m -> m.getType() == type).count();
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    socket.close();
  }
}
