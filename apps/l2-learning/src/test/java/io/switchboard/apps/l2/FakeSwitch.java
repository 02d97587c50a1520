package io.switchboard.apps.l2;

import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.SwitchView;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A switch view for unit tests: a name, a dpid, ports, and the pipeline flavour. */
final class FakeSwitch implements SwitchView {
  private final long dpid;
  private final String name;
  private final boolean multiTable;
  private final Map<Long, PortInfo> ports = new LinkedHashMap<>();

  FakeSwitch(long dpid, String name, boolean multiTable, String... portNames) {
    this.dpid = dpid;
    this.name = name;
    this.multiTable = multiTable;
    for (int i = 0; i < portNames.length; i++) {
      addPort(i + 1, portNames[i]);
    }
  }

  FakeSwitch addPort(long number, String portName) {
    ports.put(number, new PortInfo(number, portName, 0x0200_0000_0000L | number, true));
    return this;
  }

  PortInfo removePort(long number) {
    return ports.remove(number);
  }

  long portNumber(String portName) {
    return port(portName).orElseThrow().number();
  }

  public long dpid() {
    return dpid;
  }

  public String name() {
    return name;
  }

  public String openFlowVersion() {
    return multiTable ? "1.3" : "1.0";
  }

  public boolean multiTable() {
    return multiTable;
  }

  public Collection<PortInfo> ports() {
    return List.copyOf(ports.values());
  }

  public Optional<PortInfo> port(String portName) {
    return ports.values().stream().filter(p -> p.name().equals(portName)).findFirst();
  }

  public Optional<PortInfo> port(long number) {
    return Optional.ofNullable(ports.get(number));
  }
}
