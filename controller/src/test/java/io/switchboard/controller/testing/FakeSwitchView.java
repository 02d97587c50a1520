package io.switchboard.controller.testing;

import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.SwitchView;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A bridge as apps see it, for unit tests: a dpid, a name, ports numbered 1, 2, ... in the order given (each with
 * MAC 02:00:00:00:00:NN), and the pipeline flavour (several tables, or OpenFlow 1.0's one).
 */
public final class FakeSwitchView implements SwitchView {
  private final long dpid;
  private final String name;
  private final boolean multiTable;
  private final Map<Long, PortInfo> ports = new LinkedHashMap<>();

  public FakeSwitchView(long dpid, String name, boolean multiTable, String... portNames) {
    this.dpid = dpid;
    this.name = name;
    this.multiTable = multiTable;
    for (int i = 0; i < portNames.length; i++) {
      addPort(i + 1, portNames[i]);
    }
  }

  /** A multi-table bridge. */
  public static FakeSwitchView of(String name, long dpid, String... portNames) {
    return new FakeSwitchView(dpid, name, true, portNames);
  }

  /** The same bridge with one table, as over OpenFlow 1.0. */
  public FakeSwitchView openFlow10() {
    FakeSwitchView v = new FakeSwitchView(dpid, name, false);
    v.ports.putAll(ports);
    return v;
  }

  /** A copy with the port added (a port of that name moves to the number); this one is unchanged. */
  public FakeSwitchView withPort(long number, String portName) {
    return copy().addPort(number, portName);
  }

  /** A copy without the port of that name; this one is unchanged. */
  public FakeSwitchView withoutPort(String portName) {
    FakeSwitchView v = copy();
    v.ports.values().removeIf(p -> p.name().equals(portName));
    return v;
  }

  /** Adds the port here (a port of that name moves to the number). */
  public FakeSwitchView addPort(long number, String portName) {
    ports.values().removeIf(p -> p.name().equals(portName));
    ports.put(number, new PortInfo(number, portName, 0x0200_0000_0000L | number, true));
    return this;
  }

  private FakeSwitchView copy() {
    FakeSwitchView v = new FakeSwitchView(dpid, name, multiTable);
    v.ports.putAll(ports);
    return v;
  }

  public PortInfo removePort(long number) {
    return ports.remove(number);
  }

  public long portNumber(String portName) {
    return port(portName).orElseThrow().number();
  }

  @Override
  public long dpid() {
    return dpid;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String openFlowVersion() {
    return multiTable ? "1.3" : "1.0";
  }

  @Override
  public boolean multiTable() {
    return multiTable;
  }

  @Override
  public Collection<PortInfo> ports() {
    return List.copyOf(ports.values());
  }

  @Override
  public Optional<PortInfo> port(String portName) {
    return ports.values().stream().filter(p -> p.name().equals(portName)).findFirst();
  }

  @Override
  public Optional<PortInfo> port(long number) {
    return Optional.ofNullable(ports.get(number));
  }
}
