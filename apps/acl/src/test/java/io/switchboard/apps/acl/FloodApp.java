package io.switchboard.apps.acl;

import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowSink;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;

/**
 * Test-only forwarding, so end-to-end tests need no other app: CLASSIFY sends every packet on to the ACL stage,
 * and L2 floods whatever the ACL let through.
 */
final class FloodApp implements ControllerApp {
  static final String NAME = "flood";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void desiredFlows(SwitchView sw, FlowSink out) {
    out.add(FlowEntry.in(Stage.CLASSIFY).priority(1).next(Stage.ACL).build());
    out.add(FlowEntry.in(Stage.L2).priority(1).actions(Action.output(Action.PORT_FLOOD)).build());
  }
}
