package io.switchboard.apps.staticflows;

import io.switchboard.config.PacketMatch;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * One hand-written entry: on {@code bridge} (every bridge when empty), in {@code stage}, packets that match go out
 * of the {@code output} ports, then on to the next stage when {@code goOn} ({@code continue:}), else stop there (with
 * no output: dropped).
 *
 * @param source "config" or "api"
 */
record StaticFlow(String name, Optional<String> bridge, Stage stage, int priority, PacketMatch match,
    List<String> output, boolean goOn, String source) {

  StaticFlow {
    output = List.copyOf(output);
  }

  /**
   * The entry for one bridge; empty when the flow is for another bridge, names a port the bridge lacks, or
   * continues to a next stage on an OpenFlow 1.0 bridge (one table: there is no next stage to go to).
   */
  Optional<FlowEntry> entry(SwitchView sw) {
    if (bridge.isPresent() && !sw.isCalled(bridge.get()) || goOn && !sw.multiTable()) {
      return Optional.empty();
    }
    FlowMatch.Builder m = FlowMatch.builder();
    if (match.inPort().isPresent()) {
      Optional<Long> in = port(sw, match.inPort().get());
      if (in.isEmpty()) {
        return Optional.empty();
      }
      m.inPort(in.get());
    }
    match.vlan().ifPresent(m::vlan);
    match.ethSrc().ifPresent(mac -> m.ethSrc(mac.value()));
    match.ethDst().ifPresent(mac -> m.ethDst(mac.value()));
    match.ethType().ifPresent(m::ethType);
    match.ipv4Src().ifPresent(p -> m.ipv4Src(p.address(), p.length()));
    match.ipv4Dst().ifPresent(p -> m.ipv4Dst(p.address(), p.length()));
    match.ipProto().ifPresent(p -> m.exact(Field.IP_PROTO, p));
    match.tcpSrc().ifPresent(r -> m.exact(Field.TCP_SRC, r.lo()));
    match.tcpDst().ifPresent(r -> m.exact(Field.TCP_DST, r.lo()));
    match.udpSrc().ifPresent(r -> m.exact(Field.UDP_SRC, r.lo()));
    match.udpDst().ifPresent(r -> m.exact(Field.UDP_DST, r.lo()));
    match.tunId().ifPresent(id -> m.exact(Field.TUNNEL_ID, id));
    List<Action> actions = new ArrayList<>();
    for (String p : output) {
      Optional<Long> out = port(sw, p);
      if (out.isEmpty()) {
        return Optional.empty();
      }
      actions.add(Action.output(out.get()));
    }
    FlowEntry.Builder e = FlowEntry.in(stage).priority(priority).match(m.build()).actions(actions).tag(tag());
    if (goOn) {
      e.next(Stage.values()[stage.ordinal() + 1]);
    }
    return Optional.of(e.build());
  }

  private static Optional<Long> port(SwitchView sw, String nameOrNumber) {
    if (nameOrNumber.chars().allMatch(Character::isDigit)) {
      return Optional.of(Long.parseLong(nameOrNumber));
    }
    return sw.port(nameOrNumber).map(PortInfo::number);
  }

  /** The cookie tag naming this flow: stable across restarts and instances (a CRC of the name). */
  long tag() {
    return tagOf(name);
  }

  static long tagOf(String name) {
    CRC32 crc = new CRC32();
    crc.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return crc.getValue();
  }

  /** Where two flows would be one entry on a switch. */
  record Slot(Optional<String> bridge, Stage stage, int priority, PacketMatch match) {}

  Slot slot() {
    return new Slot(bridge, stage, priority, match);
  }

  /** As REST shows it and accepts it back (without {@code source}, which the server sets). */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    bridge.ifPresent(b -> m.put("bridge", b));
    m.put("stage", stage.label());
    m.put("priority", priority);
    m.put("match", new LinkedHashMap<>(match.toMap()));
    m.put("output", new ArrayList<>(output));
    m.put("continue", goOn);
    return m;
  }
}
