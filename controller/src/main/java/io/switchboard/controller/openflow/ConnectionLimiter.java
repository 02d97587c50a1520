package io.switchboard.controller.openflow;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.switchboard.config.OpenFlowLimits;
import io.switchboard.controller.core.LogLimiter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every OpenFlow connection: refuses a connection (closes it at once) when too many are open,
 * too many are still in their handshake, or too many of those come from one address. A peer that opens thousands
 * of idle connections thus cannot use up file descriptors or keep real switches out; the handshake timeout
 * closes the idle ones it was allowed.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);
  private static final AttributeKey<InetAddress> HANDSHAKING = AttributeKey.valueOf("switchboard.handshaking");

  private final OpenFlowLimits limits;
  private final SwitchListener listener;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger handshaking = new AtomicInteger();
  private final Map<InetAddress, AtomicInteger> handshakingBySource = new ConcurrentHashMap<>();
  private final LogLimiter refusals = new LogLimiter(java.time.Duration.ofSeconds(60), 1024);

  public ConnectionLimiter(OpenFlowLimits limits, SwitchListener listener) {
    this.limits = limits;
    this.listener = listener;
  }

  public int open() {
    return open.get();
  }

  public int handshaking() {
    return handshaking.get();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    InetAddress source = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    String reason = null;
    if (open.incrementAndGet() > limits.maxConnections()) {
      reason = "too_many_connections";
    } else if (handshaking.incrementAndGet() > limits.maxHandshakes()) {
      handshaking.decrementAndGet();
      reason = "too_many_handshakes";
    } else {
      AtomicInteger fromSource = handshakingBySource.computeIfAbsent(source == null ? InetAddress.getLoopbackAddress()
          : source, k -> new AtomicInteger());
      if (fromSource.incrementAndGet() > limits.maxHandshakesPerSource()) {
        release(source);
        reason = "too_many_handshakes_from_source";
      } else {
        ctx.channel().attr(HANDSHAKING).set(source == null ? InetAddress.getLoopbackAddress() : source);
      }
    }
    if (reason != null) {
      String remote = String.valueOf(ctx.channel().remoteAddress());
      listener.connectionRefused(reason, remote);
      String from = source == null ? remote : source.getHostAddress();
      long suppressed = refusals.admit(reason + "|" + from);
      if (suppressed >= 0) {
        log.warn("refusing OpenFlow connections from {}: {} (limits: {} connections, {} handshakes, {} handshakes"
            + " per source; openflow.limits){}; next report in a minute", from, reason.replace('_', ' '),
            limits.maxConnections(), limits.maxHandshakes(), limits.maxHandshakesPerSource(),
            LogLimiter.more(suppressed));
      }
      ctx.close();
      return; // the connection never reaches the switch handler
    }
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == SwitchChannelHandler.HandshakeDone.INSTANCE) {
      release(ctx.channel().attr(HANDSHAKING).getAndSet(null));
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    open.decrementAndGet();
    release(ctx.channel().attr(HANDSHAKING).getAndSet(null));
    ctx.fireChannelInactive();
  }

  private void release(InetAddress source) {
    if (source == null) {
      return;
    }
    handshaking.decrementAndGet();
    handshakingBySource.computeIfPresent(source, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
  }
}
