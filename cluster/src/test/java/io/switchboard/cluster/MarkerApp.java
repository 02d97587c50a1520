package io.switchboard.cluster;

import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import java.util.TreeMap;

/**
 * A hub (every bridge floods) plus one drop entry per "marker" in a shared store: enough to see that replicated
 * inputs drive whichever instance is master, and to time the first flow change after a failover.
 */
final class MarkerApp implements ControllerApp {
  static final String STORE = "markers";
  static final int MARKER_ETH_TYPE = 0x88b5;
  private volatile KeyValueStore<String, Long> markers;

  @Override
  public String name() {
    return "marker";
  }

  @Override
  public void start(AppContext ctx) {
    KeyValueStore<String, Long> s = ctx.stores().map(STORE);
    if (s != markers) {
      markers = s;
      s.addListener((k, v) -> ctx.recomputeAll());
    }
  }

  @Override
  public void desiredFlows(SwitchView sw, FlowSink out) {
    if (sw.multiTable()) {
      out.add(FlowEntry.in(Stage.CLASSIFY).priority(10).next(Stage.ACL).build());
    }
    out.add(FlowEntry.in(Stage.L2).priority(10).actions(Action.output(Action.PORT_FLOOD)).build());
    new TreeMap<>(markers.snapshot()).forEach((name, mac) -> out.add(FlowEntry.in(Stage.CLASSIFY).priority(100)
        .match(FlowMatch.builder().ethType(MARKER_ETH_TYPE).ethSrc(mac).build()).build()));
  }

  /** The text ovs-ofctl shows for a marker's entry. */
  static String dumped(long mac) {
    String hex = String.format("%012x", mac);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 12; i += 2) {
      s.append(i == 0 ? "" : ":").append(hex, i, i + 2);
    }
    return "dl_src=" + s;
  }
}
