package io.switchboard.apps.overlay;

import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One bridge's entries for one topology, section by section ({@link DesiredFlowCache}), with the helpers of the flow
 * classes, so that the sections together are exactly {@link OverlayFlows#compute}: the same skips for localnet
 * networks as {@link ClassifyFlows}, {@link RouterFlows} and {@link SwitchFlows}; {@link LocalnetFlows} and
 * {@link ExternalFlows} make the external section.
 */
final class FlowSections {
  final OverlayTopology topo;
  final HostBridge bridge;
  final RecordingView view;
  final OptionalLong tunnel;
  final List<io.switchboard.apps.overlay.config.OverlayNetwork> networksOn;
  final Set<String> on = new HashSet<>();
  final Set<String> reachable = new HashSet<>();

  /** @param ports every port looked up by earlier sections of this bridge (name -> number), added to here */
  FlowSections(OverlayTopology topo, SwitchView sw, String host, Map<String, Long> ports) {
    this.topo = topo;
    this.view = new RecordingView(sw, ports);
    this.bridge = new HostBridge(topo, view, topo.host(host).orElseThrow());
    this.tunnel = bridge.tunnelPort();
    this.networksOn = topo.networksOn(bridge.hostName());
    for (var n : networksOn) {
      on.add(n.name());
      reachable.add(n.name());
      topo.routedPeers(n.name()).forEach(p -> reachable.add(p.name()));
    }
  }

  boolean reaches(io.switchboard.apps.overlay.config.OverlayEndpoint e) {
    return reachable.contains(e.network());
  }

  /** Whether a port some section used has another number now than when it was used. */
  boolean stale() {
    return view.stale;
  }

  private boolean isPeer(io.switchboard.apps.overlay.config.OverlayNetwork from, io.switchboard.apps.overlay.config.OverlayNetwork n) {
    for (var p : topo.routedPeers(from.name())) {
      if (p.name().equals(n.name())) {
        return true;
      }
    }
    return false;
  }

  /** The tunnel's catch-alls. */
  List<FlowEntry> base() {
    List<FlowEntry> base = new ArrayList<>();
    tunnel.ifPresent(t -> {
      base.add(ClassifyFlows.tunnelDrop(t));
      base.add(RouterFlows.fromTunnel(t));
    });
    base.add(RouterFlows.continueToL2());
    return List.copyOf(base);
  }

  /** A network the host has ports in: as {@link ClassifyFlows}, {@link RouterFlows}, {@link SwitchFlows}. */
  List<FlowEntry> network(io.switchboard.apps.overlay.config.OverlayNetwork n) {
    List<FlowEntry> out = new ArrayList<>();
    if (n.isLocalnet()) {
      return out; // bridged to the physical network: the external section (LocalnetFlows)
    }
    tunnel.ifPresent(t -> out.add(ClassifyFlows.tunnelVni(n, t)));
    if (n.gateway().isPresent()) {
      RouterFlows.gateway(n, topo.routedPeers(n.name()), out::add);
      out.add(RouterFlows.gatewayDrop(n));
    }
    SwitchFlows.flood(bridge, n, tunnel, out::add);
    return out;
  }

  /** An endpoint of a network the host reaches. */
  List<FlowEntry> endpoint(io.switchboard.apps.overlay.config.OverlayEndpoint e) {
    List<FlowEntry> out = new ArrayList<>();
    var n = topo.network(e.network()).orElseThrow();
    if (bridge.isLocal(e)) {
      ClassifyFlows.localEndpoint(bridge, e, out::add);
    }
    if (on.contains(n.name()) && !n.isLocalnet()) {
      out.add(RouterFlows.arpResponder(n, e.ip(), e.mac().value()));
    }
    for (var from : networksOn) {
      if (from.gateway().isPresent() && !from.isLocalnet() && isPeer(from, n)) {
        out.add(RouterFlows.route(from, n, e));
      }
    }
    if (!n.isLocalnet()) {
      SwitchFlows.unicastEntry(bridge, n, e, tunnel).ifPresent(out::add);
    }
    return out;
  }

  /**
   * The localnet networks' and the routers' external entries ({@link LocalnetFlows}, {@link ExternalFlows}): they
   * depend on the NAT rules and learned next hops too, and on the endpoints of {@link #externalNetworks}.
   */
  List<FlowEntry> external(ExternalState state) {
    List<FlowEntry> out = new ArrayList<>();
    LocalnetFlows.add(bridge, out::add);
    ExternalFlows.add(bridge, state, out::add);
    return out;
  }

  /**
   * The networks whose endpoints the external section depends on, beyond the host's own: the localnet networks on
   * the host, and for a router whose gateway host this is, its networks and its external network.
   */
  Set<String> externalNetworks() {
    Set<String> out = new HashSet<>();
    LocalnetFlows.networksOn(bridge).forEach(n -> out.add(n.name()));
    for (var r : topo.overlay().routers()) {
      r.external().filter(x -> x.host().equals(bridge.hostName())).ifPresent(x -> {
        out.addAll(r.networks());
        out.add(x.network());
      });
    }
    return Set.copyOf(out);
  }

  static long number(SwitchView sw, String port) {
    return sw.port(port).map(PortInfo::number).orElse(-1L);
  }

  /**
   * The bridge as the flow classes see it, remembering every port they look up; {@link #stale} when one has another
   * number than the sections computed before saw.
   */
  static final class RecordingView implements SwitchView {
    private final SwitchView sw;
    private final Map<String, Long> seen;
    boolean stale;

    RecordingView(SwitchView sw, Map<String, Long> seen) {
      this.sw = sw;
      this.seen = seen;
    }

    @Override
    public long dpid() {
      return sw.dpid();
    }

    @Override
    public String name() {
      return sw.name();
    }

    @Override
    public String openFlowVersion() {
      return sw.openFlowVersion();
    }

    @Override
    public boolean multiTable() {
      return sw.multiTable();
    }

    @Override
    public Collection<PortInfo> ports() {
      return sw.ports();
    }

    @Override
    public Optional<PortInfo> port(String portName) {
      Optional<PortInfo> p = sw.port(portName);
      long number = p.map(PortInfo::number).orElse(-1L);
      Long before = seen.putIfAbsent(portName, number);
      if (before != null && before != number) {
        stale = true;
      }
      return p;
    }

    @Override
    public Optional<PortInfo> port(long number) {
      return sw.port(number);
    }
  }
}
