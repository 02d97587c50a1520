package io.switchboard.apps.acl;

import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A bridge for unit tests: ports numbered 1, 2, ... in the order given. */
record FakeSwitch(long dpid, String name, boolean multiTable, List<PortInfo> portList) implements SwitchView {

  static FakeSwitch of(String name, long dpid, String... ports) {
    List<PortInfo> list = new ArrayList<>();
    for (int i = 0; i < ports.length; i++) {
      list.add(new PortInfo(i + 1, ports[i], 0x020000000000L + i + 1, true));
    }
    return new FakeSwitch(dpid, name, true, List.copyOf(list));
  }

  FakeSwitch openFlow10() {
    return new FakeSwitch(dpid, name, false, portList);
  }

  FakeSwitch withPort(long number, String portName) {
    List<PortInfo> list = new ArrayList<>(portList);
    list.add(new PortInfo(number, portName, 0x020000000100L + number, true));
    return new FakeSwitch(dpid, name, multiTable, List.copyOf(list));
  }

  @Override
  public String openFlowVersion() {
    return multiTable ? "1.3" : "1.0";
  }

  @Override
  public Collection<PortInfo> ports() {
    return portList;
  }

  @Override
  public Optional<PortInfo> port(String portName) {
    return portList.stream().filter(p -> p.name().equals(portName)).findFirst();
  }

  @Override
  public Optional<PortInfo> port(long number) {
    return portList.stream().filter(p -> p.number() == number).findFirst();
  }
}
