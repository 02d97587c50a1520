package io.switchboard.apps.overlay;

/**
 * The MAC address a network's gateway answers with: {@code 0a:58} followed by the gateway's IPv4 address
 * (192.168.1.1 gives 0a:58:c0:a8:01:01), as OVN-Kubernetes does. It is locally administered and unicast, the
 * same on every host and every controller instance, and stable across restarts. Two networks with the same
 * gateway address share it, which is harmless: they are different broadcast domains, and the networks one
 * router joins cannot overlap, so their gateways always differ.
 */
public final class GatewayMac {
  static final long PREFIX = 0x0a58_0000_0000L;

  private GatewayMac() {}

  public static long of(int gatewayIp) {
    return PREFIX | (gatewayIp & 0xffff_ffffL);
  }
}
