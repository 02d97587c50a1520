package io.switchboard.apps.overlay.config;

import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import java.util.Objects;

/**
 * A router's port on a physical (localnet) network, hosted on one gateway host (OVN's gateway router).
 *
 * @param network the localnet network the port is on
 * @param ip      the router's address there, with the network's prefix length ({@code 192.168.66.45/23})
 * @param gateway the upstream router: the router's default route
 * @param host    the overlay host whose bridge holds the port, answers ARP for it and does the NAT
 * @param zone    the conntrack zone of the router's NAT (1-65535)
 */
public record RouterExternal(String network, int ip, int prefixLength, int gateway, String host, int zone) {
  public RouterExternal {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(host, "host");
  }

  public Ipv4Prefix subnet() {
    return new Ipv4Prefix(ip, prefixLength);
  }

  public String ipText() {
    return Ipv4.format(ip);
  }
}
