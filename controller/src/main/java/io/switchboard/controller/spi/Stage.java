package io.switchboard.controller.spi;

/**
 * The stages of the fixed pipeline, in packet order. Apps contribute entries to stages; only
 * {@code io.switchboard.controller.pipeline.Pipeline} knows which table a stage is.
 */
public enum Stage {
  /** Port -> VLAN or overlay network (metadata), port security, tunnel VNI decap. Miss: drop. */
  CLASSIFY,
  /** Priority-ordered allow/drop. Miss: continue. */
  ACL,
  /** Gateway ARP replies, routing between subnets. Miss: continue. */
  L3,
  /** Source MAC learning: known (port, VLAN, MAC) continue, unknown ones also go to the controller. Miss: continue. */
  LEARN,
  /** Destination lookup, flooding within the VLAN / network. Miss: drop. */
  L2,
  /** Egress: VLAN tag handling, tunnel encapsulation. Miss: drop. */
  EGRESS;

  public String label() {
    return name().toLowerCase();
  }
}
