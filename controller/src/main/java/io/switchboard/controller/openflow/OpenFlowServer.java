package io.switchboard.controller.openflow;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The OpenFlow listener: framing, codec, keepalive and handshake for every switch connection. */
public final class OpenFlowServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpenFlowServer.class);
  private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
  private final List<Channel> serverChannels = new CopyOnWriteArrayList<>();

  public InetSocketAddress start(String host, int port, Duration echoInterval, SwitchListener listener,
                                 Executor appPool) throws InterruptedException {
    return start(host, port, echoInterval, listener, appPool, null);
  }

  /**
   * Listens for switches; {@code tls} null: plain TCP. May be called again for a second address (plain and TLS at
   * once); every listener shares the event loops.
   */
  public InetSocketAddress start(String host, int port, Duration echoInterval, SwitchListener listener,
                                 Executor appPool, OpenFlowTls tls) throws InterruptedException {
    long echoMs = echoInterval.toMillis();
    ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 2048)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast("idle", new IdleStateHandler(3 * echoMs, 0, echoMs, TimeUnit.MILLISECONDS))
                .addLast("frame", new OFFrameDecoder())
                .addLast("decode", new OFMessageDecoder())
                .addLast("encode", OFMessageEncoder.INSTANCE)
                .addLast("switch", new SwitchChannelHandler(listener, appPool));
            if (tls != null) {
              tls.install(ch);
            }
          }
        });
    Channel serverChannel = b.bind(host, port).sync().channel();
    serverChannels.add(serverChannel);
    InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
    log.info("OpenFlow listening on {}:{}{}", bound.getAddress().getHostAddress(), bound.getPort(),
        tls != null ? " (TLS)" : "");
    return bound;
  }

  @Override
  public void close() {
    serverChannels.forEach(c -> c.close().syncUninterruptibly());
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
