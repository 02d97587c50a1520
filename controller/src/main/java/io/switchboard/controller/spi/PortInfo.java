package io.switchboard.controller.spi;

/** A port of a bridge as the switch describes it. */
public record PortInfo(long number, String name, long mac, boolean up) {
  /** OFPP_LOCAL: the bridge's own internal port, which carries the bridge's name. */
  public static final long LOCAL = 0xfffffffeL;

  public boolean isLocal() {
    return number == LOCAL;
  }
}
