package io.switchboard.controller.spi;

/**
 * The output actions of the low port numbers, made once: every forwarded packet and every learned pair names one, and
 * a switch holds tens of thousands of entries whose actions would otherwise each be an object of their own.
 */
final class OutputCache {
  private static final Action.Output[] LOW = new Action.Output[1024];

  static {
    for (int p = 0; p < LOW.length; p++) {
      LOW[p] = new Action.Output(p);
    }
  }

  private OutputCache() {}

  static Action.Output of(long port) {
    return port >= 0 && port < LOW.length ? LOW[(int) port] : new Action.Output(port);
  }
}
