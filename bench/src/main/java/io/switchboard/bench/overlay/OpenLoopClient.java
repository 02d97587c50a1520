package io.switchboard.bench.overlay;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * An HTTP/1.1 client for one server with at most {@code connections} requests in flight, each on a kept-alive
 * connection of its own; the rest wait in order. Latency is measured from a change's scheduled send, so this queue
 * counts in it.
 *
 * <p>It is Netty's HTTP codec on one event-loop thread rather than the JDK's {@code HttpClient}: the driver shares
 * the machine with the controller it measures, and the JDK client cost it about a sixth of a core at 400 requests a
 * second plus, for the first minute, a third of a core of its own JIT (docs/overlay-scale.md).
 */
final class OpenLoopClient implements AutoCloseable {
  /** A request's answer: the status and the body as text. */
  record Answer(int status, String body) {}

  private record Request(HttpMethod method, String path, String body, BiConsumer<Answer, Throwable> done) {}

  /** The request a connection waits on the answer of. */
  private static final AttributeKey<Request> PENDING = AttributeKey.valueOf("pending");

  /** One daemon thread: a driver that fails part way must not be kept alive by its client. */
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
      new DefaultThreadFactory("open-loop-client", true), NioIoHandler.newFactory());
  private final Bootstrap boot;
  private final String hostHeader;
  private final String authorization;
  private final int connections;
  /** Touched on the event loop only. */
  private final Deque<Request> waiting = new ArrayDeque<>();
  private final Deque<Channel> idle = new ArrayDeque<>();
  /** Every open connection, and the first request of each connection still being made. */
  private final java.util.Set<Channel> channels = new java.util.HashSet<>();
  private final java.util.Set<Request> connecting = java.util.Collections.newSetFromMap(
      new java.util.IdentityHashMap<>());
  private int open;
  /** Set on the event loop by {@link #close}: nothing is sent or connected after it. */
  private boolean closing;

  /** {@code base}: http://127.0.0.1:PORT; {@code token}: sent as a bearer token with every request. */
  OpenLoopClient(String base, String token, int connections) {
    URI uri = URI.create(base);
    if (!"http".equals(uri.getScheme()) || uri.getPort() < 0) {
      throw new IllegalArgumentException("expected http://HOST:PORT, got " + base);
    }
    this.connections = connections;
    this.hostHeader = uri.getHost() + ":" + uri.getPort();
    this.authorization = "Bearer " + token;
    this.boot = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true).remoteAddress(uri.getHost(), uri.getPort())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), new Answers());
          }
        });
  }

  void post(String path, String json, BiConsumer<Answer, Throwable> done) {
    submit(new Request(HttpMethod.POST, path, json, done));
  }

  void delete(String path, BiConsumer<Answer, Throwable> done) {
    submit(new Request(HttpMethod.DELETE, path, null, done));
  }

  private void submit(Request r) {
    group.execute(() -> {
      if (closing) {
        r.done().accept(null, new IOException("client closed"));
        return;
      }
      waiting.add(r);
      dispatch();
    });
  }

  /** On the event loop: hands waiting requests to idle connections, opening more up to the limit. */
  private void dispatch() {
    while (!closing && !waiting.isEmpty()) {
      Channel ch = idle.poll();
      if (ch != null) {
        if (ch.isActive()) {
          send(ch, waiting.poll());
        }
        continue;
      }
      if (open >= connections) {
        return;
      }
      open++;
      Request first = waiting.poll();
      connecting.add(first);
      boot.connect().addListener(f -> onLoop(() -> {
        boolean stillOurs = connecting.remove(first); // close() failed it already otherwise
        if (f.isSuccess()) {
          Channel c = ((ChannelFuture) f).channel();
          if (!stillOurs) {
            c.close();
            return;
          }
          channels.add(c);
          c.closeFuture().addListener(x -> onLoop(() -> connectionClosed(c)));
          send(c, first);
        } else {
          open--;
          if (stillOurs) {
            first.done().accept(null, f.cause());
          }
          dispatch();
        }
      }));
    }
  }

  /** Runs on the event loop: a failed registration may call back on another thread. */
  private void onLoop(Runnable task) {
    if (group.next().inEventLoop()) {
      task.run();
    } else {
      group.execute(task);
    }
  }

  private void send(Channel ch, Request r) {
    FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, r.method(), r.path(),
        r.body() == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body().getBytes(StandardCharsets.UTF_8)));
    req.headers().set(HttpHeaderNames.HOST, hostHeader).set(HttpHeaderNames.AUTHORIZATION, authorization)
        .set(HttpHeaderNames.CONTENT_LENGTH, req.content().readableBytes());
    if (r.body() != null) {
      req.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    }
    ch.attr(PENDING).set(r);
    ch.writeAndFlush(req).addListener(f -> {
      if (!f.isSuccess()) {
        ch.close();
      }
    });
  }

  /** On the event loop: a connection's request under way fails with it; a new one may be opened for the rest. */
  private void connectionClosed(Channel ch) {
    if (!channels.remove(ch)) {
      return; // close() accounted for it
    }
    open--;
    idle.remove(ch);
    Request r = ch.attr(PENDING).getAndSet(null);
    if (r != null) {
      r.done().accept(null, new IOException("connection closed before the answer"));
    }
    dispatch();
  }

  private final class Answers extends SimpleChannelInboundHandler<FullHttpResponse> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
      Request r = ctx.channel().attr(PENDING).getAndSet(null);
      if (r == null) {
        ctx.close(); // an answer nobody asked for
        return;
      }
      r.done().accept(new Answer(res.status().code(), res.content().toString(StandardCharsets.UTF_8)), null);
      if (HttpUtil.isKeepAlive(res)) {
        idle.add(ctx.channel());
      } else {
        ctx.close();
      }
      dispatch();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /**
   * Fails what waits and what is under way (each callback once, here, whatever the connections do next), closes the
   * connections, stops the thread.
   */
  @Override
  public void close() {
    try {
      group.submit(() -> {
        closing = true;
        IOException closed = new IOException("client closed");
        Request r;
        while ((r = waiting.poll()) != null) {
          r.done().accept(null, closed);
        }
        for (Request c : connecting) {
          c.done().accept(null, closed);
        }
        connecting.clear();
        java.util.List<Channel> all = new java.util.ArrayList<>(channels);
        channels.clear(); // their close listeners, run by close() below, then find nothing left to do
        idle.clear();
        for (Channel ch : all) {
          Request pending = ch.attr(PENDING).getAndSet(null);
          if (pending != null) {
            pending.done().accept(null, closed);
          }
          ch.close();
        }
      }).syncUninterruptibly();
    } catch (java.util.concurrent.RejectedExecutionException alreadyStopped) {
      return;
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
