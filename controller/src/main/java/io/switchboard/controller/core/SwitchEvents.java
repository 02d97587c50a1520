package io.switchboard.controller.core;

import io.switchboard.controller.flow.Cookies;
import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.FlowProgrammer;
import io.switchboard.controller.openflow.SwitchChannelHandler;
import io.switchboard.controller.openflow.SwitchSession;
import io.switchboard.controller.openflow.Undecodable;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.projectfloodlight.openflow.protocol.OFBadRequestCode;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterModFailedCode;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.projectfloodlight.openflow.protocol.OFRoleStatus;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadRequestErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFMeterModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFRoleRequestFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a bridge says, decoded into what the apps and the programmer hear: packet-ins (the hot path: no allocation
 * but the {@link PacketIn} itself, counters looked up rather than built), port changes, expiries, errors and role
 * status; and the per-type message counters and limit hits. Runs on the bridge's worker, except the counters.
 */
final class SwitchEvents {
  private static final Logger log = LoggerFactory.getLogger(SwitchEvents.class);

  private final AppRegistry apps;
  private final BridgeProgramming programming;
  private final Metrics metrics;
  private final Consumer<SwitchSession> demoted;
  /** packet-in counters by (session, app): looked up, not built, per packet-in. */
  private final Map<PacketInCounter, LongAdder> packetInCounters = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> messagesIn = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> messagesOut = new ConcurrentHashMap<>();
  private final LogLimiter limitLog = new LogLimiter(Duration.ofSeconds(60), 4096);

  private record PacketInCounter(SwitchSession session, String app) {
    @Override
    public boolean equals(Object o) { // written out: the generated one goes through method handles (per packet-in)
      return this == o || o instanceof PacketInCounter c && c.session == session && c.app.equals(app);
    }

    @Override
    public int hashCode() {
      return 31 * System.identityHashCode(session) + app.hashCode();
    }
  }

  /** @param demoted tells the mastership that the switch no longer takes this connection as master */
  SwitchEvents(AppRegistry apps, BridgeProgramming programming, Metrics metrics, Consumer<SwitchSession> demoted) {
    this.apps = apps;
    this.programming = programming;
    this.metrics = metrics;
    this.demoted = demoted;
  }

  /** A message of the bridge's adopted session. Worker. */
  void message(SwitchSession s, OFMessage m) {
    switch (m.getType()) {
      case PACKET_IN -> packetIn(s, (OFPacketIn) m);
      case PORT_STATUS -> portStatus(s, (OFPortStatus) m);
      case FLOW_REMOVED -> flowRemoved(s, (OFFlowRemoved) m);
      case ERROR -> error(s, (OFErrorMsg) m);
      case ROLE_STATUS -> roleStatus(s, (OFRoleStatus) m);
      default -> log.debug("switch {}: unhandled {}", s.dpidText(), m.getType());
    }
  }

  /** The session went: its counters' lookups go (the series stay until the metrics grace ends). */
  void forget(SwitchSession s) {
    packetInCounters.keySet().removeIf(k -> k.session() == s);
  }

  void packetIn(SwitchSession s, OFPacketIn pi) {
    FlowProgrammer p = s.programmer();
    if (p == null) {
      return; // not master: another instance handles it
    }
    boolean v10 = pi.getVersion() == OFVersion.OF_10;
    long inPort;
    long metadata = 0;
    long tunnelId = 0;
    Stage stage = null;
    String owner = null;
    if (v10) {
      inPort = pi.getInPort().getPortNumber() & 0xffffffffL;
    } else {
      var match = pi.getMatch();
      OFPort port = match.get(MatchField.IN_PORT);
      inPort = port == null ? 0 : port.getPortNumber() & 0xffffffffL;
      if (match.supports(MatchField.METADATA) && match.get(MatchField.METADATA) != null) {
        metadata = match.get(MatchField.METADATA).getValue().getValue();
      }
      if (match.supports(MatchField.TUNNEL_ID) && match.get(MatchField.TUNNEL_ID) != null) {
        tunnelId = match.get(MatchField.TUNNEL_ID).getValue();
      }
      stage = s.pipeline().stage(pi.getTableId().getValue());
      owner = apps.appOf(pi.getCookie().getValue());
    }
    int bufferId = pi.getBufferId().equals(OFBufferId.NO_BUFFER) ? PacketIn.NO_BUFFER : pi.getBufferId().getInt();
    PacketIn in = new PacketIn(inPort, stage, metadata, tunnelId, bufferId, pi.getData());
    SwitchView view = s.view();
    for (ControllerApp app : apps.enabled()) {
      if (owner != null && !Cookies.CORE.equals(owner) && !owner.equals(app.name())) {
        continue;
      }
      PacketInCounter key = new PacketInCounter(s, app.name());
      LongAdder n = packetInCounters.get(key); // per packet-in: no capturing lambda unless the pair is new
      if (n == null) {
        n = packetInCounters.computeIfAbsent(key, k -> metrics.counterRef(
            "switchboard_packet_ins_total", "app", k.app(), "dpid", s.dpidText()));
      }
      n.increment();
      try {
        app.onPacketIn(view, in, apps.context(app.name()));
      } catch (RuntimeException e) {
        log.error("switch {}: app {} failed on a packet-in", s.dpidText(), app.name(), e);
      }
    }
  }

  void portStatus(SwitchSession s, OFPortStatus ps) {
    PortInfo port = SwitchChannelHandler.port(ps.getDesc());
    boolean removed = ps.getReason() == OFPortReason.DELETE;
    s.portChanged(port, removed);
    log.info("switch {}: port {} ({}) {}", s.dpidText(), port.name(), port.number(),
        removed ? "removed" : ps.getReason() == OFPortReason.ADD ? "added" : port.up() ? "up" : "down");
    SwitchView view = s.view();
    apps.each(s.dpidText(), "a port change", app -> app.onPortChange(view, port, removed));
    programming.recomputeNow(s);
  }

  void flowRemoved(SwitchSession s, OFFlowRemoved fr) {
    FlowProgrammer p = s.programmer();
    if (p == null || fr.getReason() == OFFlowRemovedReason.DELETE) {
      // a delete (ours, or someone's ovs-ofctl) is not an expiry: the programmer or the audit handles it
      return;
    }
    int table = fr.getVersion() == OFVersion.OF_10 ? 0 : fr.getTableId().getValue();
    FlowKey key = new FlowKey(table, fr.getPriority(), s.translator().fromMatch(fr.getMatch()));
    p.flowRemoved(key);
  }

  /** OpenFlow 1.4+: another controller took the master role (or ours changed); the mastership decides. */
  void roleStatus(SwitchSession s, OFRoleStatus rs) {
    log.info("switch {}: role status {} ({}, generation {})", s.dpidText(), rs.getRole(), rs.getReason(),
        rs.getGenerationId().getValue());
    if (rs.getRole() != OFControllerRole.ROLE_MASTER) {
      demoted.accept(s);
    }
  }

  void error(SwitchSession s, OFErrorMsg err) {
    FlowKey key = s.inflight(err.getXid());
    metrics.inc("switchboard_switch_errors_total", "dpid", s.dpidText(), "type", err.getErrType().name());
    if (err instanceof OFMeterModFailedErrorMsg mm && mm.getCode() == OFMeterModFailedCode.METER_EXISTS) {
      log.debug("switch {}: meter already there, kept", s.dpidText());
      return;
    }
    if (err instanceof OFRoleRequestFailedErrorMsg) {
      return; // answers a role request: the mastership that sent it handles the failed future
    }
    if (err instanceof OFBadRequestErrorMsg br && br.getCode() == OFBadRequestCode.IS_SLAVE) {
      demoted.accept(s);
    }
    FlowProgrammer p = s.programmer();
    if (key != null) {
      DesiredFlow d = p == null ? null : p.desired(key);
      log.warn("switch {} refused the flow {}{}: {}", s.dpidText(), d != null ? d.entry() : key,
          d != null ? " (app " + d.app() + ")" : "", err);
      if (p != null) {
        p.flowFailed(key);
      }
    } else {
      log.warn("switch {} reported an error (xid {}): {}", s.dpidText(), err.getXid(), err);
    }
  }

  void undecodable(SwitchSession s, Undecodable u) {
    metrics.inc("switchboard_messages_undecodable_total", "dpid", s.dpidText());
    // An error we cannot parse (e.g. an experimenter error code openflowj lacks) still names the request by xid.
    FlowKey key = u.type() == 1 ? s.inflight(u.xid()) : null;
    if (key != null) {
      FlowProgrammer p = s.programmer();
      DesiredFlow d = p == null ? null : p.desired(key);
      log.warn("switch {} refused the flow {}{} with an error openflowj cannot parse", s.dpidText(),
          d != null ? d.entry() : key, d != null ? " (app " + d.app() + ")" : "");
      if (p != null) {
        p.flowFailed(key);
      }
    }
  }

  /** Counts a message in or out by type. Any thread; looked up, not built. */
  void counted(boolean in, String type) {
    Map<String, LongAdder> byType = in ? messagesIn : messagesOut;
    LongAdder n = byType.get(type); // per message: no capturing lambda unless the type is new
    if (n == null) {
      n = byType.computeIfAbsent(type, t -> metrics.counterRef(
          in ? "switchboard_messages_in_total" : "switchboard_messages_out_total", "type", t));
    }
    n.increment();
  }

  /** A bound hit: counted, and logged once a minute per switch and limit. Any thread. */
  void limitHit(SwitchSession s, String limit, String why) {
    metrics.inc("switchboard_switch_limit_hits_total", "limit", limit);
    long suppressed = limitLog.admit(s.dpidText() + "|" + limit);
    if (suppressed >= 0) {
      log.warn("switch {}: {} limit: {}{} (logged once a minute per switch and limit)", s.dpidText(), limit, why,
          LogLimiter.more(suppressed));
    }
  }
}
