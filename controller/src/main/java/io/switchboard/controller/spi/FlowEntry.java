package io.switchboard.controller.spi;

import java.util.List;
import java.util.Objects;

/**
 * One entry an app wants on a bridge: where it lives (stage, priority, match) and what it does.
 *
 * @param actions       applied in order (OpenFlow apply-actions)
 * @param metadata      written to the metadata register before going on, or null
 * @param next          the stage to continue in (goto-table), or null to stop after the actions
 * @param idleTimeout   seconds of inactivity after which the switch removes the entry (0: never)
 * @param tag           an app-chosen 48-bit number carried in the cookie (e.g. which ACL rule)
 * @param notifyRemoval ask the switch to report the entry's removal (for expiring learned entries)
 */
public record FlowEntry(
    Stage stage,
    int priority,
    FlowMatch match,
    List<Action> actions,
    Metadata metadata,
    Stage next,
    int idleTimeout,
    int hardTimeout,
    long tag,
    boolean notifyRemoval) {

  /** A masked write to the 64-bit metadata register. */
  public record Metadata(long value, long mask) {}

  public FlowEntry {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(match, "match");
    actions = SharedActions.of(actions); // immutable; equal lists share one instance (memory per entry)
    metadata = SharedActions.of(metadata);
    if (priority < 0 || priority > 0xffff) {
      throw new IllegalArgumentException("priority out of range: " + priority);
    }
    if (next != null && next.ordinal() <= stage.ordinal()) {
      throw new IllegalArgumentException("a " + stage + " entry cannot continue in " + next);
    }
  }

  // equals and hashCode written out: the generated ones go through method handles, slow until the JIT inlines them
  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof FlowEntry e && e.priority == priority && e.stage == stage
        && e.idleTimeout == idleTimeout && e.hardTimeout == hardTimeout && e.tag == tag
        && e.notifyRemoval == notifyRemoval && e.next == next && e.match.equals(match) && e.actions.equals(actions)
        && Objects.equals(e.metadata, metadata);
  }

  @Override
  public int hashCode() {
    int h = stage.ordinal();
    h = 31 * h + priority;
    h = 31 * h + match.hashCode();
    h = 31 * h + actions.hashCode();
    h = 31 * h + Objects.hashCode(metadata);
    h = 31 * h + (next == null ? -1 : next.ordinal());
    h = 31 * h + idleTimeout;
    h = 31 * h + hardTimeout;
    h = 31 * h + Long.hashCode(tag);
    return 31 * h + (notifyRemoval ? 1 : 0);
  }

  public static Builder in(Stage stage) {
    return new Builder(stage);
  }

  public Builder toBuilder() {
    Builder b = new Builder(stage);
    b.priority = priority;
    b.match = match;
    b.actions = actions;
    b.metadata = metadata;
    b.next = next;
    b.idleTimeout = idleTimeout;
    b.hardTimeout = hardTimeout;
    b.tag = tag;
    b.notifyRemoval = notifyRemoval;
    return b;
  }

  /** A readable one-line form, like ovs-ofctl: {@code l2 priority=100 vlan_vid=0x1064,eth_dst=.. actions=pop_vlan,output:3}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(stage.label()).append(" priority=").append(priority).append(' ').append(match);
    if (idleTimeout > 0) {
      sb.append(" idle_timeout=").append(idleTimeout);
    }
    sb.append(" actions=");
    StringBuilder acts = new StringBuilder();
    for (Action a : actions) {
      if (!acts.isEmpty()) {
        acts.append(',');
      }
      acts.append(a);
    }
    if (metadata != null) {
      if (!acts.isEmpty()) {
        acts.append(',');
      }
      acts.append("write_metadata:0x").append(Long.toHexString(metadata.value()));
      if (metadata.mask() != -1L) {
        acts.append("/0x").append(Long.toHexString(metadata.mask()));
      }
    }
    if (next != null) {
      if (!acts.isEmpty()) {
        acts.append(',');
      }
      acts.append("goto:").append(next.label());
    }
    sb.append(acts.isEmpty() ? "drop" : acts);
    return sb.toString();
  }

  public static final class Builder {
    private final Stage stage;
    private int priority;
    private FlowMatch match = FlowMatch.ALL;
    private List<Action> actions = List.of();
    private Metadata metadata;
    private Stage next;
    private int idleTimeout;
    private int hardTimeout;
    private long tag;
    private boolean notifyRemoval;

    private Builder(Stage stage) {
      this.stage = stage;
    }

    public Builder priority(int p) {
      this.priority = p;
      return this;
    }

    public Builder match(FlowMatch m) {
      this.match = m;
      return this;
    }

    public Builder actions(Action... a) {
      this.actions = List.of(a);
      return this;
    }

    public Builder actions(List<Action> a) {
      this.actions = a;
      return this;
    }

    public Builder writeMetadata(long value, long mask) {
      this.metadata = new Metadata(value, mask);
      return this;
    }

    public Builder next(Stage s) {
      this.next = s;
      return this;
    }

    public Builder idleTimeout(int seconds) {
      this.idleTimeout = seconds;
      return this;
    }

    public Builder hardTimeout(int seconds) {
      this.hardTimeout = seconds;
      return this;
    }

    public Builder tag(long t) {
      this.tag = t;
      return this;
    }

    public Builder notifyRemoval(boolean n) {
      this.notifyRemoval = n;
      return this;
    }

    public FlowEntry build() {
      return new FlowEntry(stage, priority, match, actions, metadata, next, idleTimeout, hardTimeout, tag,
          notifyRemoval);
    }
  }
}
