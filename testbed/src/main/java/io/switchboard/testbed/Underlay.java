package io.switchboard.testbed;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The physical network between simulated hosts: namespace {@code PREFIX-ul} holding a Linux
 * bridge {@code ul0}; each joined host has a veth into it. MTU is {@value #MTU} so that VXLAN
 * (50 bytes of headers) carries full 1500-byte frames of the containers.
 */
public final class Underlay {
  public static final String NAME = "ul";
  public static final String LINUX_BRIDGE = "ul0";
  public static final int MTU = 1600;

  private final TestBed bed;
  private final String namespace;
  private final Map<String, String> members = new LinkedHashMap<>();

  private Underlay(TestBed bed) {
    this.bed = bed;
    this.namespace = bed.namespace(NAME);
  }

  static Underlay create(TestBed bed) {
    Underlay u = new Underlay(bed);
    Shell.check(List.of("ip", "netns", "add", u.namespace));
    Shell.check(List.of("ip", "-n", u.namespace, "link", "set", "lo", "up"));
    Netns.disableIpv6(u.namespace);
    Shell.check(List.of("ip", "-n", u.namespace, "link", "add", LINUX_BRIDGE, "mtu",
        Integer.toString(MTU), "type", "bridge"));
    Shell.check(List.of("ip", "-n", u.namespace, "link", "set", LINUX_BRIDGE, "up"));
    return u;
  }

  public String namespace() {
    return namespace;
  }

  /** Host name to its underlay address/prefix, in joining order. */
  public synchronized Map<String, String> members() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(members));
  }

  synchronized void attach(SimHost host, String ipCidr) {
    String peer = "ul-" + host.name();
    if (peer.length() > Names.IFNAMSIZ) {
      peer = "ulh" + (members.size() + 1);
    }
    String hostNs = host.namespace();
    String mtu = Integer.toString(MTU);
    String port = SimHost.UNDERLAY_PORT;
    String brPhy = SimHost.UNDERLAY_BRIDGE;
    Shell.check(List.of("ip", "-n", namespace, "link", "add", peer, "mtu", mtu, "type", "veth",
        "peer", "name", port, "netns", hostNs, "mtu", mtu));
    Shell.check(List.of("ip", "-n", namespace, "link", "set", peer, "master", LINUX_BRIDGE, "up"));
    Shell.check(List.of("ip", "-n", hostNs, "link", "set", port, "up"));
    host.vsctl("--may-exist", "add-br", brPhy, "--", "set", "bridge", brPhy,
        "datapath_type=netdev", "fail_mode=standalone", "--", "--may-exist", "add-port", brPhy,
        port, "--", "set", "interface", brPhy, "mtu_request=" + mtu, "--", "set", "interface",
        port, "mtu_request=" + mtu);
    host.bridge(brPhy).addFlow("priority=0,actions=NORMAL");
    Shell.check(List.of("ip", "-n", hostNs, "addr", "add", ipCidr, "dev", brPhy));
    Shell.check(List.of("ip", "-n", hostNs, "link", "set", brPhy, "up"));
    members.put(host.name(), ipCidr);
  }

  @Override
  public String toString() {
    return "underlay " + namespace + " " + members;
  }
}
