package io.switchboard.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.switchboard.controller.openflow.OFFrameDecoder;
import io.switchboard.controller.openflow.OFMessageDecoder;
import io.switchboard.controller.openflow.OFMessageEncoder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * A minimal controller on an ephemeral loopback port, inside the generator's own JVM: does the controller's half of
 * the handshake (HELLO, FEATURES_REQUEST, then a flow-stats request and, on 1.3+, a table-miss entry to the
 * controller, like a reconciling controller), and answers packet-ins as its {@link Behaviour} says. The generator
 * warms itself up against it ({@link LoadGenerator}); the generator's tests use the other behaviours.
 */
final class LoopbackController implements AutoCloseable {
  enum Behaviour {
    /**
     * What a learning controller sends, alternately: a flow-mod (with the packet-in's buffer id when it has one,
     * else naming its source MAC) and a packet-out (the buffer id, else the frame).
     */
    LEARNING,
    /** Answers nothing after the handshake. */
    SILENT,
    /** A packet-out carrying the packet-in's frame, flooded: a hub. */
    ECHO,
    /** A flow-mod for the packet's source MAC, nothing else: a learn-only controller. */
    FLOW_MOD_FOR_SOURCE,
    /** Answers every packet-in with things that refer to nothing the switch sent. */
    BOGUS
  }

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Behaviour behaviour;
  private final Channel server;
  final AtomicLong packetIns = new AtomicLong();

  LoopbackController(Behaviour behaviour) throws InterruptedException {
    this.behaviour = behaviour;
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new OFFrameDecoder(), new OFMessageDecoder(), OFMessageEncoder.INSTANCE,
                new Session());
          }
        }).bind("127.0.0.1", 0).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Session extends SimpleChannelInboundHandler<Object> {
    private OFFactory f;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object obj) {
      if (!(obj instanceof OFMessage m)) {
        return;
      }
      switch (m.getType()) {
        case HELLO -> {
          f = OFFactories.getFactory(((OFHello) m).getVersion());
          ctx.write(f.buildHello().setXid(1).build());
          ctx.writeAndFlush(f.buildFeaturesRequest().setXid(2).build());
        }
        case FEATURES_REPLY -> {
          ctx.write(f.buildFlowStatsRequest().setXid(3).setMatch(f.buildMatch().build()).setOutPort(OFPort.ANY)
              .setTableId(TableId.ALL).build());
          if (f.getVersion() != OFVersion.OF_10) {
            ctx.write(f.buildFlowAdd().setXid(4).setPriority(0).setMatch(f.buildMatch().build())
                .setCookie(U64.of(0x77)).setActions(List.of(f.actions().output(OFPort.CONTROLLER, 0xffff))).build());
          }
          ctx.writeAndFlush(f.buildBarrierRequest().setXid(5).build());
        }
        case ECHO_REQUEST -> ctx.writeAndFlush(f.buildEchoReply().setXid(m.getXid()).setData(new byte[0]).build());
        case PACKET_IN -> {
          packetIns.incrementAndGet();
          answer(ctx, (OFPacketIn) m);
        }
        default -> { }
      }
    }

    private void answer(ChannelHandlerContext ctx, OFPacketIn pi) {
      OFPort in = f.getVersion() == OFVersion.OF_10 ? pi.getInPort() : pi.getMatch().get(MatchField.IN_PORT);
      List<OFAction> flood = List.of(f.actions().output(OFPort.FLOOD, 0xffff));
      byte[] data = pi.getData();
      long src = MacAddress.of(java.util.Arrays.copyOfRange(data, 6, 12)).getLong();
      switch (behaviour) {
        case SILENT -> { }
        case LEARNING -> {
          boolean buffered = !pi.getBufferId().equals(OFBufferId.NO_BUFFER);
          if ((pi.getXid() & 1) == 0) {
            OFFlowAdd.Builder add = f.buildFlowAdd().setXid(pi.getXid()).setPriority(10).setActions(flood);
            ctx.writeAndFlush(buffered ? add.setBufferId(pi.getBufferId()).setMatch(f.buildMatch().build()).build()
                : add.setMatch(match(MatchField.ETH_SRC, src)).build());
          } else {
            OFPacketOut.Builder out = f.buildPacketOut().setXid(pi.getXid()).setInPort(in).setActions(flood);
            ctx.writeAndFlush(buffered ? out.setBufferId(pi.getBufferId()).build()
                : out.setBufferId(OFBufferId.NO_BUFFER).setData(data).build());
          }
        }
        case ECHO -> ctx.writeAndFlush(f.buildPacketOut().setXid(pi.getXid()).setBufferId(OFBufferId.NO_BUFFER)
            .setInPort(in).setActions(flood).setData(data).build());
        case FLOW_MOD_FOR_SOURCE -> ctx.writeAndFlush(f.buildFlowAdd().setXid(pi.getXid()).setPriority(10)
            .setMatch(match(MatchField.ETH_SRC, src)).setActions(flood).build());
        case BOGUS -> {
          byte[] wrongTag = data.clone();
          wrongTag[wrongTag.length - 1] ^= 0x55;   // a sequence number never sent (far ahead)
          wrongTag[wrongTag.length - 4] = 0x7f;
          ctx.write(f.buildPacketOut().setXid(pi.getXid()).setBufferId(OFBufferId.NO_BUFFER).setInPort(in)
              .setActions(flood).setData(wrongTag).build());
          byte[] untagged = data.clone();
          untagged[untagged.length - 8] = 0;       // no magic: not a frame the switch sent
          ctx.write(f.buildPacketOut().setXid(pi.getXid()).setBufferId(OFBufferId.NO_BUFFER).setInPort(in)
              .setActions(flood).setData(untagged).build());
          long foreign = src ^ (1L << 24);          // the same host index behind another switch
          ctx.write(f.buildFlowAdd().setXid(pi.getXid()).setPriority(10).setMatch(match(MatchField.ETH_SRC, foreign))
              .setActions(flood).build());
          ctx.write(f.buildFlowAdd().setXid(pi.getXid()).setPriority(10).setBufferId(OFBufferId.of(54321))
              .setMatch(f.buildMatch().build()).setActions(flood).build());
          ctx.writeAndFlush(f.buildPacketOut().setXid(pi.getXid()).setBufferId(OFBufferId.of(12345)).setInPort(in)
              .setActions(flood).build());
        }
      }
    }

    private Match match(MatchField<MacAddress> field, long mac) {
      return f.buildMatch().setExact(field, MacAddress.of(mac)).build();
    }
  }
}
