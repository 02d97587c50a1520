package io.switchboard.bench.overlay;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * An HTTP/1.1 client with at most {@code connections} requests in flight (as many kept-alive connections); the
 * rest wait in order. Latency is measured from a change's scheduled send, so this queue counts in it.
 */
final class OpenLoopClient {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final java.util.concurrent.Semaphore permits;
  private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> waiting =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  OpenLoopClient(int connections) {
    permits = new java.util.concurrent.Semaphore(connections);
  }

  void submit(HttpRequest req, java.util.function.BiConsumer<HttpResponse<String>, Throwable> done) {
    waiting.add(() -> http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, err) -> {
      permits.release();
      done.accept(r, err);
      drain();
    }));
    drain();
  }

  private void drain() {
    while (!waiting.isEmpty() && permits.tryAcquire()) {
      Runnable next = waiting.poll();
      if (next == null) {
        permits.release();
        return;
      }
      next.run();
    }
  }
}
