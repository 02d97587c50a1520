package io.switchboard.bench.compute;

import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A bridge as an app sees it, without a switch: for computing flows off-line. */
public record BenchSwitch(long dpid, String name, boolean multiTable, Collection<PortInfo> ports)
    implements SwitchView {
  /** A 1.3 bridge with ports {@code names[i]} numbered i + 1. */
  public static BenchSwitch of(long dpid, String name, List<String> names) {
    List<PortInfo> ports = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      ports.add(new PortInfo(i + 1, names.get(i), 0x0e0000000000L + (dpid << 8) + i, true));
    }
    return new BenchSwitch(dpid, name, true, List.copyOf(ports));
  }

  @Override
  public String openFlowVersion() {
    return multiTable ? "1.3" : "1.0";
  }

  @Override
  public Optional<PortInfo> port(String portName) {
    return ports.stream().filter(p -> p.name().equals(portName)).findFirst();
  }

  @Override
  public Optional<PortInfo> port(long number) {
    return ports.stream().filter(p -> p.number() == number).findFirst();
  }
}
