package io.switchboard.cni;

/**
 * One step run on its own thread while the command goes on (a REST call beside a subprocess): the latency of a
 * plugin exec is the sum of its waits, so independent waits overlap. {@link #get()} joins it and rethrows.
 */
final class Background<T> {
  @FunctionalInterface
  interface Step<T> {
    T run() throws CniException;
  }

  private final Thread thread;
  private T value;
  private CniException failure;
  private RuntimeException bug;

  Background(Step<T> step) {
    thread = new Thread(() -> {
      try {
        value = step.run();
      } catch (CniException e) {
        failure = e;
      } catch (RuntimeException e) {
        bug = e;
      }
    }, "switchboard-cni-background");
    thread.setDaemon(true);
    thread.start();
  }

  T get() throws CniException {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CniException(CniException.COMMAND_FAILED, "interrupted");
    }
    if (bug != null) {
      throw bug;
    }
    if (failure != null) {
      throw failure;
    }
    return value;
  }
}
