package io.switchboard.bench.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OpenLoopClientTest {
  @Test
  void keepsAtMostItsConnectionsBusyAndAnswersEveryRequest() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    List<String> auth = new CopyOnWriteArrayList<>();
    Map<Integer, Boolean> remotePorts = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      int now = inFlight.incrementAndGet();
      mostInFlight.accumulateAndGet(now, Math::max);
      remotePorts.put(ex.getRemoteAddress().getPort(), true);
      auth.add(ex.getRequestHeaders().getFirst("Authorization"));
      byte[] in = ex.getRequestBody().readAllBytes();
      try {
        Thread.sleep(5); // long enough that requests queue behind busy connections
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      inFlight.decrementAndGet();
      if ("POST".equals(ex.getRequestMethod())) {
        byte[] out = ("got " + new String(in, StandardCharsets.UTF_8) + " at " + ex.getRequestURI())
            .getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(201, out.length);
        ex.getResponseBody().write(out);
      } else {
        ex.sendResponseHeaders(204, -1);
      }
      ex.close();
    });
    server.setExecutor(pool);
    server.start();
    try (OpenLoopClient client = new OpenLoopClient("http://127.0.0.1:" + server.getAddress().getPort(), "t0k",
        3)) {
      int n = 60;
      CountDownLatch done = new CountDownLatch(2 * n);
      Map<String, String> answers = new ConcurrentHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = "e" + i;
        client.post("/api/v1/x", "{\"name\": \"" + name + "\"}", (a, err) -> {
          answers.put("add " + name, err != null ? "error " + err : a.status() + " " + a.body());
          done.countDown();
        });
        client.delete("/api/v1/x/" + name, (a, err) -> {
          answers.put("delete " + name, err != null ? "error " + err : a.status() + " " + a.body());
          done.countDown();
        });
      }
      assertTrue(done.await(20, TimeUnit.SECONDS), "every request answered");
      for (int i = 0; i < n; i++) {
        assertEquals("201 got {\"name\": \"e" + i + "\"} at /api/v1/x", answers.get("add e" + i));
        assertEquals("204 ", answers.get("delete e" + i));
      }
      assertTrue(mostInFlight.get() <= 3, "at most 3 in flight, saw " + mostInFlight.get());
      assertTrue(mostInFlight.get() >= 2, "requests went out in parallel, saw " + mostInFlight.get());
      assertTrue(remotePorts.size() <= 3, "connections kept alive and reused: " + remotePorts.size());
      assertEquals(2 * n, auth.size());
      assertTrue(auth.stream().allMatch("Bearer t0k"::equals), "the token on every request");
    } finally {
      server.stop(0);
      pool.shutdownNow();
    }
  }

  @Test
  void aRequestThatCannotBeSentFailsWithItsError() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    } // nothing listens there any more
    try (OpenLoopClient client = new OpenLoopClient("http://127.0.0.1:" + port, "t", 2)) {
      CountDownLatch done = new CountDownLatch(3);
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      List<OpenLoopClient.Answer> answers = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 3; i++) {
        client.delete("/x/" + i, (a, err) -> {
          if (a != null) {
            answers.add(a);
          }
          if (err != null) {
            errors.add(err);
          }
          done.countDown();
        });
      }
      assertTrue(done.await(10, TimeUnit.SECONDS), "every request ended");
      assertEquals(List.of(), answers);
      assertEquals(3, errors.size());
      assertNotNull(errors.get(0).getMessage());
    }
  }

  @Test
  void closingFailsWhatWaitsAndWhatIsUnderWay() throws Exception {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> { // takes connections, never answers
        List<java.net.Socket> held = new ArrayList<>();
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (java.io.IOException closed) {
          held.forEach(sock -> {
            try {
              sock.close();
            } catch (java.io.IOException ignored) {
              // closing anyway
            }
          });
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      CountDownLatch done = new CountDownLatch(3);
      OpenLoopClient client = new OpenLoopClient("http://127.0.0.1:" + silent.getLocalPort(), "t", 1);
      for (int i = 0; i < 3; i++) {
        client.delete("/x/" + i, (a, err) -> {
          errors.add(err);
          done.countDown();
        });
      }
      Thread.sleep(200); // one under way, two waiting
      client.close();
      assertTrue(done.await(5, TimeUnit.SECONDS), "every callback ran");
      assertEquals(3, errors.size());
      assertTrue(errors.stream().allMatch(e -> e instanceof java.io.IOException), errors.toString());
      CountDownLatch late = new CountDownLatch(1);
      org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.RejectedExecutionException.class,
          () -> client.delete("/late", (a, err) -> late.countDown()), "a closed client takes nothing more");
    }
  }

  @Test
  void refusesAnAddressItCannotUse() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new OpenLoopClient("https://127.0.0.1:1", "t", 1));
    assertTrue(e.getMessage().contains("http://HOST:PORT"), e.getMessage());
  }
}
