package io.switchboard.controller.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U32;

/**
 * A minimal OpenFlow 1.3 peer over plain TCP, as an attacker would write one: it says whatever dpid it likes. Blocking;
 * for tests only.
 */
public final class RawOpenFlowClient implements AutoCloseable {
  private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  public RawOpenFlowClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** HELLO, then FEATURES_REPLY claiming {@code dpid}, then a PORT_DESC with a LOCAL port named {@code name}. */
  public RawOpenFlowClient handshake(long dpid, String name) throws IOException {
    socket.setSoTimeout(10_000);
    expect(OFType.HELLO);
    send(F.buildHello().setXid(1).setElements(List.of(F.helloElemVersionbitmap(List.of(U32.of(1 << 4))))).build());
    OFMessage fr = expect(OFType.FEATURES_REQUEST);
    send(F.buildFeaturesReply().setXid(fr.getXid()).setDatapathId(DatapathId.of(dpid)).setNBuffers(0)
        .setNTables((short) 254).build());
    OFMessage pd = expect(OFType.STATS_REQUEST);
    send(F.buildPortDescStatsReply().setXid(pd.getXid()).setEntries(List.of(
        F.buildPortDesc().setPortNo(OFPort.LOCAL).setName(name).setHwAddr(MacAddress.of(0x02000000beefL)).build()))
        .build());
    return this;
  }

  public void send(OFMessage m) throws IOException {
    ByteBuf b = Unpooled.buffer();
    m.writeTo(b);
    out.write(ByteBufUtil.getBytes(b));
    out.flush();
  }

  /** The next message; EOFException when the controller closed the connection. */
  public OFMessage read() throws IOException {
    byte[] head = new byte[8];
    in.readFully(head);
    int len = ((head[2] & 0xff) << 8) | (head[3] & 0xff);
    byte[] all = new byte[Math.max(len, 8)];
    System.arraycopy(head, 0, all, 0, 8);
    in.readFully(all, 8, all.length - 8);
    try {
      return OFFactories.getGenericReader().readFrom(Unpooled.wrappedBuffer(all));
    } catch (OFParseError e) {
      throw new IOException("unparsable message from the controller", e);
    }
  }

  private OFMessage expect(OFType type) throws IOException {
    while (true) {
      OFMessage m = read();
      if (m.getType() == type) {
        return m;
      }
    }
  }

  /**
   * Reads (answering echo requests, as a live switch would) until the controller closes the connection: true, or
   * the timeout passes: false.
   */
  public boolean awaitClosedByPeer(Duration timeout) throws IOException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      socket.setSoTimeout((int) Math.max(1, Math.min(500, (end - System.nanoTime()) / 1_000_000)));
      try {
        OFMessage m = read();
        if (m.getType() == OFType.ECHO_REQUEST) {
          send(F.buildEchoReply().setXid(m.getXid()).setData(new byte[0]).build());
        }
      } catch (SocketTimeoutException e) {
        // keep reading
      } catch (EOFException | SocketException e) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
