package io.switchboard.controller.openflow;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.switchboard.config.OpenFlowLimits;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import io.switchboard.controller.core.Workers;
import java.util.concurrent.Executor;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The OpenFlow listener: framing, codec, keepalive and handshake for every switch connection. */
public final class OpenFlowServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpenFlowServer.class);
  /**
   * Set to {@code nio} to use Java's NIO even where the native epoll transport loads (the default on Linux: one
   * {@code epoll_wait} per loop turn and no selector locks per read and write).
   */
  static final String TRANSPORT_PROPERTY = "switchboard.openflow.transport";
  /**
   * How many event loops serve the switches' connections (default: one per CPU the JVM may use). Netty's default,
   * two per CPU, suits handlers that block; ours never do, and two loops sharing one CPU take turns at the
   * scheduler's pace: in cbench's latency mode pinned to one CPU, a switch's round trip then waited up to 4 ms
   * behind the other loop (p99 4.1-4.3 ms with two loops, 0.9-1.3 ms with one; docs/performance-history.md).
   */
  public static final String EVENT_LOOPS_PROPERTY = "switchboard.openflow.event-loops";
  /**
   * The most one read from a switch takes (Netty's default grows to 64 KiB). Everything read is decoded at once, even
   * when the switch's inbox filled up halfway, so this is what a switch can add beyond its inbox's share: 16 KiB is
   * some 200 packet-ins, still far more per read than a system call costs. With 64 KiB reads, 256 flooding switches
   * were each read and answered in rounds of ~1,600 packet-ins, and many got no answer for a second at a time
   * (docs/performance-history.md); at 16 switches the two sizes measured the same.
   */
  static final int MAX_READ = 16 << 10;
  /**
   * How long, in microseconds, an idle event loop keeps polling its switches' sockets before it sleeps, when its
   * last wait was that short (0: it sleeps at once). See {@link SpinBeforeSleep}. In cbench's latency mode at one
   * switch, 50 us made the round trip 26 us instead of 45 us (1.9x ovs-testcontroller's rate instead of 1.1x), at
   * less CPU an answer than ovs-testcontroller's; an idle controller and traffic with longer gaps do not poll.
   */
  public static final String SPIN_PROPERTY = "switchboard.openflow.spin-us";
  static final int DEFAULT_SPIN_US = 50;
  private static final boolean EPOLL = useEpoll();
  private final int eventLoops = eventLoops(); // first: a bad setting throws before any thread starts
  private final long spinNanos = TimeUnit.MICROSECONDS.toNanos(spinMicros());
  private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, ioHandler(0));
  private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(eventLoops, ioHandler(spinNanos));
  private final List<Channel> serverChannels = new CopyOnWriteArrayList<>();
  /** One for every listener: its bounds are on all OpenFlow connections together. */
  private volatile ConnectionLimiter limiter;
  /** One for every listener: read, unhandled messages of all switches together. */
  private volatile InboundBudget inbound;
  /** The bridges' workers when the caller gave a pool, shared by every listener of this server. */
  private Workers bridgeWorkers;

  private static boolean useEpoll() {
    if ("nio".equalsIgnoreCase(System.getProperty(TRANSPORT_PROPERTY, "").trim())) {
      return false;
    }
    try {
      if (Epoll.isAvailable()) {
        return true;
      }
      log.info("OpenFlow on NIO: the native epoll transport did not load ({})",
          String.valueOf(Epoll.unavailabilityCause()));
    } catch (LinkageError e) { // the native part is not on the class path (another platform)
      log.info("OpenFlow on NIO: no native epoll transport here ({})", e.toString());
    }
    return false;
  }

  /** The number of event loops for switch connections: {@link #EVENT_LOOPS_PROPERTY}, else one per CPU. */
  public static int eventLoops() {
    return wholeNumber(EVENT_LOOPS_PROPERTY, 1, 1024, "", Runtime.getRuntime().availableProcessors());
  }

  /** {@link #SPIN_PROPERTY}, else {@link #DEFAULT_SPIN_US}. */
  public static int spinMicros() {
    return wholeNumber(SPIN_PROPERTY, 0, 10_000, " of microseconds", DEFAULT_SPIN_US);
  }

  /** A -D setting that must be a whole number from {@code min} to {@code max}, or {@code unset} when it is not set. */
  private static int wholeNumber(String property, int min, int max, String unit, int unset) {
    String set = System.getProperty(property, "").trim();
    if (set.isEmpty()) {
      return unset;
    }
    try {
      int n = Integer.parseInt(set);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("-D" + property + " must be a whole number" + unit + " from " + min + " to "
        + max + ", got '" + set + "'");
  }

  private static IoHandlerFactory ioHandler(long spinNanos) {
    if (spinNanos <= 0) {
      return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }
    return EPOLL ? EpollIoHandler.newFactory(0, SpinBeforeSleep.factory(spinNanos))
        : NioIoHandler.newFactory(SelectorProvider.provider(), SpinBeforeSleep.factory(spinNanos));
  }

  /** The transport the listeners use: "epoll" or "nio". */
  public static String transport() {
    return EPOLL ? "epoll" : "nio";
  }

  /** OpenFlow connections open now (handshaking or not). */
  public int openConnections() {
    ConnectionLimiter l = limiter;
    return l == null ? 0 : l.open();
  }

  /** Connections still in their handshake. */
  public int handshaking() {
    ConnectionLimiter l = limiter;
    return l == null ? 0 : l.handshaking();
  }

  /** Messages read from all switches and not handled yet. */
  public long inboundQueued() {
    InboundBudget b = inbound;
    return b == null ? 0 : b.queued();
  }

  /** What one switch's inbox may hold now (its share of the inbound budget). */
  public int inboundShare() {
    InboundBudget b = inbound;
    return b == null ? 0 : b.share();
  }

  public InetSocketAddress start(String host, int port, Duration echoInterval, SwitchListener listener,
                                 Executor appPool) throws InterruptedException {
    return start(host, port, echoInterval, OpenFlowLimits.DEFAULTS, listener, appPool, null);
  }

  public InetSocketAddress start(String host, int port, Duration echoInterval, SwitchListener listener,
                                 Executor appPool, OpenFlowTls tls) throws InterruptedException {
    return start(host, port, echoInterval, OpenFlowLimits.DEFAULTS, listener, appPool, tls);
  }

  /**
   * Listens for switches; {@code tls} null: plain TCP. May be called again for a second address (plain and TLS at
   * once); every listener shares the event loops and the connection limits.
   */
  public InetSocketAddress start(String host, int port, Duration echoInterval, OpenFlowLimits limits,
                                 SwitchListener listener, Executor appPool, OpenFlowTls tls)
      throws InterruptedException {
    if (bridgeWorkers == null) {
      bridgeWorkers = new Workers(appPool);
    }
    return start(host, port, echoInterval, limits, listener, bridgeWorkers, tls);
  }

  /**
   * Listens for switches with the bridges' workers given ({@code bridgeWorkers}: one per dpid, whichever listener
   * the connection came through).
   */
  public InetSocketAddress start(String host, int port, Duration echoInterval, OpenFlowLimits limits,
                                 SwitchListener listener, Workers bridgeWorkers, OpenFlowTls tls)
      throws InterruptedException {
    long echoMs = echoInterval.toMillis();
    if (this.limiter == null) {
      this.limiter = new ConnectionLimiter(limits, listener);
    }
    ConnectionLimiter limiter = this.limiter;
    GcPauses.watch(); // a batch slowed by a collection is then not blamed on the apps
    if (this.inbound == null) {
      this.inbound = InboundBudget.of(limits);
    }
    InboundBudget inbound = this.inbound;
    ServerBootstrap b = new ServerBootstrap().group(boss, workers)
        .channel(EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 2048)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark(limits))
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast("limits", limiter)
                .addLast("idle", new IdleStateHandler(echoMs, 0, 0, TimeUnit.MILLISECONDS))
                .addLast("frame", new OFFrameDecoder())
                .addLast("decode", new OFMessageDecoder())
                .addLast("encode", OFMessageEncoder.INSTANCE)
                .addLast("switch", new SwitchChannelHandler(listener, bridgeWorkers,
                    SwitchChannelHandler.SUPPORTED, limits, inbound));
            if (tls != null) {
              tls.install(ch);
            }
          }
        });
    Channel serverChannel = b.bind(host, port).sync().channel();
    serverChannels.add(serverChannel);
    InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
    log.info("OpenFlow listening on {}:{}{} ({} transport, {} event loop{}{})", bound.getAddress().getHostAddress(),
        bound.getPort(), tls != null ? " (TLS)" : "", transport(), eventLoops, eventLoops == 1 ? "" : "s",
        spinNanos > 0 ? ", polling " + TimeUnit.NANOSECONDS.toMicros(spinNanos) + " us before sleeping" : "");
    return bound;
  }

  /**
   * Netty stops calling a channel writable above the high mark, and reading from that switch pauses: the mark sits
   * well below the outbound limit, so a switch that reads slowly is slowed down, and only one that does not read
   * at all reaches the limit and is disconnected.
   */
  static WriteBufferWaterMark waterMark(OpenFlowLimits limits) {
    int high = (int) Math.min(1 << 20, limits.maxOutboundBytes() / 4);
    return new WriteBufferWaterMark(high / 2, high);
  }

  @Override
  public void close() {
    serverChannels.forEach(c -> c.close().syncUninterruptibly());
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
