package io.switchboard.apps.overlay;

import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A bridge for unit tests: a dpid, a name and named ports. */
record TestSwitch(long dpid, String name, boolean multiTable, List<PortInfo> ports) implements SwitchView {

  static TestSwitch of(long dpid, String name) {
    return new TestSwitch(dpid, name, true, List.of());
  }

  TestSwitch withPort(String port, long number) {
    List<PortInfo> list = new ArrayList<>(ports);
    list.removeIf(p -> p.name().equals(port));
    list.add(new PortInfo(number, port, 0x0200_0000_0000L | number, true));
    return new TestSwitch(dpid, name, multiTable, list);
  }

  TestSwitch withoutPort(String port) {
    List<PortInfo> list = new ArrayList<>(ports);
    list.removeIf(p -> p.name().equals(port));
    return new TestSwitch(dpid, name, multiTable, list);
  }

  TestSwitch openFlow10() {
    return new TestSwitch(dpid, name, false, ports);
  }

  @Override
  public String openFlowVersion() {
    return multiTable ? "1.4" : "1.0";
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
