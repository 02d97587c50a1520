package io.switchboard.controller.core;

import io.switchboard.config.PacketMatch;
import io.switchboard.config.Result;
import io.switchboard.controller.flow.Cookies;
import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.FlowText;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.Values;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Walks a packet through the controller's own pipeline for a bridge, stage by stage, and on through the tunnel
 * to the remote host's bridge: the multi-host trace that {@code ovs-appctl ofproto/trace} cannot give. It reads
 * the desired entries (what the switch holds once reconciled), so it explains what the controller intended. The
 * packet it walks, and how a request becomes one, is a {@link TracedPacket}.
 */
public final class PacketTracer {
  private static final int MAX_STEPS = 32;
  private static final int MAX_HOPS = 4;

  private final Controller controller;

  public PacketTracer(Controller controller) {
    this.controller = controller;
  }

  /** A trace request: {@code bridge} plus packet fields named as in the config. */
  public Map<String, Object> trace(Map<String, Object> request) throws Exception {
    Object bridge = request.get("bridge");
    if (!(bridge instanceof String b) || b.isBlank()) {
      throw new ApiException(400, "bridge: required (a bridge name or dpid)");
    }
    SwitchSession s = controller.session(b).orElseThrow(() -> new ApiException(404,
        "bridge: no connected bridge '" + b + "'"));
    Map<String, Object> fields = new LinkedHashMap<>(request);
    fields.remove("bridge");
    long assumedCtState = TracedPacket.assumedCtState(fields.remove(TracedPacket.CT_STATE_KEY));
    Result<PacketMatch> parsed = PacketMatch.parse(fields);
    if (!parsed.isOk()) {
      throw new ApiException(400, parsed.errorText());
    }
    PacketMatch pm = parsed.value();
    if (pm.inPort().isEmpty()) {
      throw new ApiException(400, "in-port: required (the port the packet arrives on)");
    }
    long inPort = resolvePort(s, pm.inPort().get()).orElseThrow(() -> new ApiException(400,
        "in-port: no port '" + pm.inPort().get() + "' on bridge " + s.name()));
    TracedPacket p = TracedPacket.of(s, pm, inPort, controller.enabledApps());
    p.assumedCtState = assumedCtState;
    Map<String, Object> initial = p.describe(s);

    List<Object> hops = new ArrayList<>();
    List<Object> outcomes = new ArrayList<>();
    walk(s, p, hops, outcomes, 0);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bridge", s.name());
    m.put("packet", initial);
    m.put("hops", hops);
    m.put("outcome", outcomes);
    return m;
  }

  static Optional<Long> resolvePort(SwitchSession s, String port) {
    for (PortInfo p : s.ports()) {
      if (p.name().equals(port)) {
        return Optional.of(p.number());
      }
    }
    try {
      long n = Long.parseLong(port);
      return s.ports().stream().filter(p -> p.number() == n).map(PortInfo::number).findFirst();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private void walk(SwitchSession s, TracedPacket p, List<Object> hops, List<Object> outcomes, int hop)
      throws Exception {
    Map<FlowKey, DesiredFlow> flows = controller.desiredFlows(s).get(10, TimeUnit.SECONDS);
    List<Object> steps = new ArrayList<>();
    Map<String, Object> hopJson = new LinkedHashMap<>();
    hopJson.put("bridge", s.name());
    hopJson.put("dpid", s.dpidText());
    hopJson.put("in-port", FlowText.portName(s.ports(), p.f.get(Field.IN_PORT)));
    hopJson.put("steps", steps);
    hops.add(hopJson);
    int table = 0;
    for (int i = 0; i < MAX_STEPS; i++) {
      final int t = table;
      Optional<DesiredFlow> hit = flows.values().stream().filter(d -> d.key().table() == t)
          .filter(d -> d.entry().match().matches(p.f))
          .max(Comparator.comparingInt((DesiredFlow d) -> d.key().priority()));
      Map<String, Object> step = new LinkedHashMap<>();
      Stage stage = s.pipeline().stage(table);
      step.put("table", table);
      step.put("stage", stage == null ? null : stage.label());
      steps.add(step);
      if (hit.isEmpty()) {
        step.put("flow", null);
        step.put("result", "no entry matched: dropped (table miss)");
        outcomes.add(outcome("dropped", s, null, "no entry in " + (stage == null ? "table " + table
            : stage.label()) + " matched"));
        return;
      }
      DesiredFlow d = hit.get();
      FlowEntry e = d.entry();
      Map<String, Object> flow = new LinkedHashMap<>();
      flow.put("priority", d.key().priority());
      flow.put("match", FlowText.match(s.ports(), e.match()));
      flow.put("actions", FlowText.actions(s.ports(), e));
      flow.put("app", d.app());
      ControllerApp owner = appNamed(d.app());
      String rule = owner == null ? null : owner.describeTag(Cookies.tagOf(d.cookie())).orElse(null);
      if (rule != null) {
        flow.put(owner.tagKind(), rule);
      }
      String ruleName = owner != null && "rule".equals(owner.tagKind()) ? rule : null;
      step.put("flow", flow);
      List<String> did = new ArrayList<>();
      boolean dropped = false;
      Stage recirculate = null;
      for (Action a : e.actions()) {
        if (a instanceof Action.Conntrack ct) {
          int zone = ct.zone() == Action.Conntrack.ZONE_OF_PACKET ? (int) (long) p.f.getOrDefault(Field.CT_ZONE, 0L)
              : ct.zone();
          if (ct.commit()) {
            did.add("ct: connection committed in zone " + zone + ": its replies and related packets will be"
                + " +est / +rel");
          }
          Map<String, Object> natStep = ct.nat() == null ? null : nat(ct.nat(), zone, p, did);
          if (ct.table() != null) {
            long state = Field.CT_TRK | p.assumedCtState;
            p.f.put(Field.CT_STATE, state);
            p.f.put(Field.CT_ZONE, (long) zone);
            Map<String, Object> ctStep = new LinkedHashMap<>();
            ctStep.put("zone", zone);
            ctStep.put("state", Values.ctState(state, state));
            ctStep.put("assumed", p.assumedCtStateName());
            ctStep.put("then", ct.table().label());
            if (natStep != null) {
              ctStep.put("nat", natStep);
            }
            step.put("conntrack", ctStep);
            did.add("ct: through conntrack in zone " + zone + ", assumed " + ctStep.get("assumed")
                + " (ask with \"ct-state\" in the trace request); continues tracked in " + ct.table().label());
            recirculate = ct.table();
            break;
          }
        } else if (a instanceof Action.Output o) {
          if (o.port() == Action.PORT_CONTROLLER && owner != null) {
            String why = owner.describeToController(s.view(), p.f, Cookies.tagOf(d.cookie())).orElse(null);
            if (why != null) {
              outcomes.add(outcome("controller", s, null, "to the controller: " + why));
              continue;
            }
          }
          output(s, p, o.port(), outcomes, hops, hop, did);
        } else if (a instanceof Action.PushVlan) {
          p.f.put(Field.VLAN_VID, Field.VID_PRESENT);
        } else if (a instanceof Action.PopVlan) {
          p.f.put(Field.VLAN_VID, 0L);
        } else if (a instanceof Action.SetField sf) {
          p.f.put(sf.field(), sf.value());
        } else if (a instanceof Action.Move mv) {
          p.f.put(mv.dst(), p.f.getOrDefault(mv.src(), 0L));
        } else if (a instanceof Action.DecTtl) {
          if (p.ttl <= 1) {
            did.add("dec_ttl: TTL " + p.ttl + " expires: dropped");
            outcomes.add(outcome("dropped", s, null, "TTL expired (dec_ttl at TTL " + p.ttl + ")"));
            dropped = true;
            break;
          }
          p.ttl--;
        }
      }
      if (!dropped && e.metadata() != null) {
        long old = p.f.getOrDefault(Field.METADATA, 0L);
        p.f.put(Field.METADATA, (old & ~e.metadata().mask()) | (e.metadata().value() & e.metadata().mask()));
      }
      step.put("packet-after", p.describe(s));
      if (!did.isEmpty()) {
        step.put("notes", did);
      }
      if (dropped) {
        return;
      }
      if (recirculate != null) {
        table = s.pipeline().table(recirculate);
        continue;
      }
      if (e.next() == null) {
        if (e.actions().stream().noneMatch(a -> a instanceof Action.Output)) {
          outcomes.add(outcome("dropped", s, ruleName, "dropped by " + (ruleName != null ? "rule " + ruleName
              : d.app() + " entry in " + (stage == null ? "table " + table : stage.label())
              + (rule != null ? " (" + rule + ")" : ""))));
        }
        return;
      }
      table = s.pipeline().table(e.next());
    }
    outcomes.add(outcome("dropped", s, null, "more than " + MAX_STEPS + " steps"));
  }

  /**
   * The translation a ct action's {@code nat} applies, as far as the request says: a new connection (the assumed
   * state {@code new}) gets the rule's address; an established one keeps the translation its first packet got,
   * which the controller cannot see (the switch holds it), so the addresses are left as they are and the note says
   * so.
   */
  private static Map<String, Object> nat(Action.Nat nat, int zone, TracedPacket p, List<String> did) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", nat.kind().name().toLowerCase());
    boolean fresh = p.assumedCtState == Field.CT_NEW;
    if (nat.kind() == Action.Nat.Kind.REVERSE) {
      did.add("ct(nat): the connection's own translation in zone " + zone + " is applied (un-NAT of replies); the "
          + "switch holds it, so the traced addresses are left as they are");
      return m;
    }
    Field f = nat.kind() == Action.Nat.Kind.SRC ? Field.IPV4_SRC : Field.IPV4_DST;
    String to = Values.ipv4(nat.address() & 0xffffffffL);
    String from = p.f.containsKey(f) ? Values.ipv4(p.f.get(f)) : "?";
    m.put("field", f.apiName());
    m.put("from", from);
    m.put("to", to);
    if (fresh) {
      p.f.put(f, nat.address() & 0xffffffffL);
      did.add("ct(nat): " + (f == Field.IPV4_SRC ? "source " : "destination ") + from + " -> " + to + " ("
          + (f == Field.IPV4_SRC ? "SNAT" : "DNAT") + " of a new connection, zone " + zone + ")");
    } else {
      m.put("applied", false);
      did.add("ct(nat): an established connection keeps the translation of its first packet (" + (f == Field.IPV4_SRC
          ? "source" : "destination") + " -> " + to + " for this rule), zone " + zone);
    }
    return m;
  }

  private ControllerApp appNamed(String name) {
    for (ControllerApp a : controller.availableApps()) {
      if (a.name().equals(name)) {
        return a;
      }
    }
    return null;
  }

  private void output(SwitchSession s, TracedPacket p, long port, List<Object> outcomes, List<Object> hops, int hop,
                      List<String> did) throws Exception {
    long in = p.f.get(Field.IN_PORT);
    if (port == Action.PORT_CONTROLLER) {
      outcomes.add(outcome("controller", s, null, "sent to the controller (packet-in)"));
      return;
    }
    List<Long> ports = new ArrayList<>();
    if (port == Action.PORT_FLOOD || port == Action.PORT_ALL) {
      s.ports().stream().map(PortInfo::number).filter(n -> n != in || port == Action.PORT_ALL).sorted()
          .forEach(ports::add);
    } else if (port == Action.PORT_IN_PORT) {
      ports.add(in);
    } else if (port == in) {
      did.add("output to the ingress port " + FlowText.portName(s.ports(), port) + " skipped (use IN_PORT)");
      return;
    } else {
      ports.add(port);
    }
    for (long out : ports) {
      String name = FlowText.portName(s.ports(), out);
      Optional<ControllerApp.TraceHop> next = traceHop(s, name, p);
      if (next.isPresent()) {
        ControllerApp.TraceHop h = next.get();
        Map<String, Object> o = outcome(h.kind(), s, null, h.summary());
        o.put("port", name);
        o.putAll(h.details());
        outcomes.add(o);
        Optional<SwitchSession> remote = h.nextBridge().flatMap(b -> controller.sessions().stream()
            .filter(x -> x.view().isCalled(b)).findFirst());
        if (remote.isPresent() && hop + 1 < MAX_HOPS) {
          SwitchSession r = remote.get();
          Optional<Long> rin = resolvePort(r, h.nextInPort());
          if (rin.isPresent()) {
            TracedPacket q = p.copy();
            q.f.put(Field.IN_PORT, rin.get());
            q.f.put(Field.METADATA, 0L);
            q.f.put(Field.CT_STATE, 0L);
            q.f.put(Field.CT_ZONE, 0L);
            q.f.remove(Field.TUN_IPV4_DST);
            walk(r, q, hops, outcomes, hop + 1);
          }
        }
        continue;
      }
      Map<String, Object> o = outcome("output", s, null, "output to " + name + " on " + s.name());
      o.put("port", name);
      o.put("packet", p.describe(s));
      outcomes.add(o);
    }
  }

  /** The first enabled app that knows where an output to {@code port} leads (the overlay, for its tunnel port). */
  private Optional<ControllerApp.TraceHop> traceHop(SwitchSession s, String port, TracedPacket p) {
    Map<Field, Long> fields = java.util.Collections.unmodifiableMap(new java.util.HashMap<>(p.f));
    for (ControllerApp app : controller.enabledApps()) {
      Optional<ControllerApp.TraceHop> h = app.traceHop(s.view(), port, fields);
      if (h.isPresent()) {
        return h;
      }
    }
    return Optional.empty();
  }

  private static Map<String, Object> outcome(String kind, SwitchSession s, String rule, String text) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    m.put("bridge", s.name());
    if (rule != null) {
      m.put("rule", rule);
    }
    m.put("summary", text);
    return m;
  }
}
