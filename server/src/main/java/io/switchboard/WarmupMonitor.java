package io.switchboard;

import io.switchboard.controller.rest.RestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What watches a running controller, during the warm-up: a thread that reads the throwaway controller's REST API
 * the way a monitoring system and an operator do ({@code /metrics}, health, the switches) while its switches send
 * traffic. The REST server runs on Netty too, with its own channel, buffer and event-loop classes, through code it
 * shares with the OpenFlow connections; a JIT that compiled that shared code seeing OpenFlow alone throws it away
 * at the first request (a type it had not seen), and the first real switches then wait for it to be compiled
 * again. Plain HTTP/1.1 over a socket, one connection a request, so the warm-up compiles nothing of a client.
 */
final class WarmupMonitor implements AutoCloseable {
  /** Between two requests: a scrape every few tens of milliseconds is plenty for the JIT to see it. */
  static final long INTERVAL_MILLIS = 20;
  private static final List<String> PATHS = List.of("/metrics", RestServer.BASE + "/health",
      RestServer.BASE + "/switches");
  private static final int MAX_RESPONSE = 16 << 20;

  private final InetSocketAddress rest;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong answered = new AtomicLong();
  private final Thread thread;
  /** The request under way, closed by {@link #close()}: an interrupt does not wake a thread blocked on a socket. */
  private volatile Socket current;

  WarmupMonitor(InetSocketAddress rest) {
    this.rest = rest;
    this.thread = new Thread(this::run, "warm-up-monitor");
    thread.setDaemon(true);
  }

  WarmupMonitor start() {
    thread.start();
    return this;
  }

  /** Requests answered with 200 so far. */
  long answered() {
    return answered.get();
  }

  private void run() {
    for (int i = 0; !stop.get(); i++) {
      try {
        if (get(PATHS.get(i % PATHS.size())) == 200) {
          answered.incrementAndGet();
        }
        Thread.sleep(INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (stop.get()) {
          return;
        }
        try {
          Thread.sleep(INTERVAL_MILLIS * 10); // not up yet, or closing: try again a little later
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** One request on a connection of its own; returns the status, having read the whole answer. */
  int get(String path) throws IOException {
    try (Socket s = new Socket()) {
      current = s;
      if (stop.get()) {
        throw new IOException("closed");
      }
      s.connect(rest, 2_000);
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + rest.getHostString() + ":" + rest.getPort()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[8192];
      byte[] head = new byte[12];
      int have = 0;
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        for (int k = 0; k < n && have < head.length; k++) {
          head[have++] = buf[k];
        }
        total += n;
        if (total > MAX_RESPONSE) {
          throw new IOException("answer over " + MAX_RESPONSE + " bytes");
        }
      }
      String status = new String(head, 0, have, StandardCharsets.US_ASCII); // "HTTP/1.1 200"
      if (have < 12 || !status.matches("HTTP/1\\.[01] [0-9]{3}")) {
        throw new IOException("not an HTTP answer: " + status);
      }
      return Integer.parseInt(status.substring(9, 12));
    } finally {
      current = null;
    }
  }

  /** Stops the thread: its request under way is cut off. Returns once it has ended (2 s at most). */
  @Override
  public void close() {
    stop.set(true);
    thread.interrupt();
    Socket s = current;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // it is going anyway
      }
    }
    boolean interrupted = Thread.interrupted(); // wait for it even when interrupted, then say so again
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
