package io.switchboard.controller.spi;

/** The actions a flow entry applies, in order. The translator maps them to OpenFlow 1.0-1.5 and Nicira actions. */
public sealed interface Action {
  long PORT_IN_PORT = 0xfffffff8L;
  long PORT_FLOOD = 0xfffffffbL;
  long PORT_ALL = 0xfffffffcL;
  long PORT_CONTROLLER = 0xfffffffdL;
  long PORT_LOCAL = 0xfffffffeL;

  /** Send out of a port (or a reserved port such as {@link #PORT_CONTROLLER}). */
  record Output(long port) implements Action {
    @Override
    public boolean equals(Object o) { // written out: the generated one goes through method handles
      return this == o || o instanceof Output out && out.port == port;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(port);
    }

    @Override
    public String toString() {
      return "output:" + portName(port);
    }
  }

  record PushVlan() implements Action {
    @Override
    public String toString() {
      return "push_vlan:0x8100";
    }
  }

  record PopVlan() implements Action {
    @Override
    public String toString() {
      return "pop_vlan";
    }
  }

  /** Load a constant into a header field (VLAN_VID values carry {@link Field#VID_PRESENT}). */
  record SetField(Field field, long value) implements Action {
    @Override
    public boolean equals(Object o) { // written out: the generated one goes through method handles
      return this == o || o instanceof SetField f && f.value == value && f.field == field;
    }

    @Override
    public int hashCode() {
      return 31 * field.ordinal() + Long.hashCode(value);
    }

    @Override
    public String toString() {
      return "set_field:" + Values.format(field, value) + "->" + field.ovsName();
    }
  }

  /** Copy a whole field into another of the same width (Nicira reg_move). */
  record Move(Field src, Field dst) implements Action {
    @Override
    public String toString() {
      return "move:" + src.ovsName() + "->" + dst.ovsName();
    }
  }

  /** Decrement the IPv4 TTL; the switch drops the packet when it would reach zero. */
  record DecTtl() implements Action {
    @Override
    public String toString() {
      return "dec_ttl";
    }
  }

  /**
   * Nicira {@code ct}: send the packet through the switch's connection tracker in a zone. With {@code table} the
   * packet is then re-injected ("recirculated") into that stage with {@link Field#CT_STATE} and {@link Field#CT_ZONE}
   * filled in, and the original copy stops; without it the packet goes on with the next action. {@code commit}
   * records the connection, so that later packets of it (both directions) are {@code +est}.
   *
   * @param zone the conntrack zone (0-65535), or {@link #ZONE_OF_PACKET}: the zone the packet was last tracked in
   *             ({@code zone=NXM_NX_CT_ZONE[]}), so that a commit reuses the zone of the pass that classified it
   * @param table the stage to recirculate into, or null for none
   * @param nat   address translation the tracker applies ({@code nat(...)} inside the ct action), or null for none
   */
  record Conntrack(boolean commit, int zone, Stage table, Nat nat) implements Action {
    public static final int ZONE_OF_PACKET = -1;

    public Conntrack {
      if (zone < ZONE_OF_PACKET || zone > 0xffff) {
        throw new IllegalArgumentException("conntrack zone out of range (0-65535): " + zone);
      }
    }

    public Conntrack(boolean commit, int zone, Stage table) {
      this(commit, zone, table, null);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("ct(");
      if (commit) {
        sb.append("commit,");
      }
      if (table != null) {
        sb.append("table=").append(table.label()).append(',');
      }
      sb.append("zone=").append(zone == ZONE_OF_PACKET ? "NXM_NX_CT_ZONE[]" : Integer.toString(zone));
      if (nat != null) {
        sb.append(',').append(nat);
      }
      return sb.append(')').toString();
    }
  }

  /**
   * The {@code nat} of a ct action. {@link Kind#REVERSE} ({@code nat} alone) applies the translation a tracked
   * connection already has (un-NAT of replies, NAT of later packets); {@link Kind#SRC} / {@link Kind#DST} also give
   * a new connection committed by the action its source or destination {@code address}.
   */
  record Nat(Kind kind, int address) {
    public enum Kind { REVERSE, SRC, DST }

    public static Nat reverse() {
      return new Nat(Kind.REVERSE, 0);
    }

    public static Nat src(int address) {
      return new Nat(Kind.SRC, address);
    }

    public static Nat dst(int address) {
      return new Nat(Kind.DST, address);
    }

    @Override
    public String toString() {
      if (kind == Kind.REVERSE) {
        return "nat";
      }
      return "nat(" + (kind == Kind.SRC ? "src=" : "dst=") + ((address >>> 24) & 0xff) + "." + ((address >>> 16)
          & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff) + ")";
    }
  }

  /**
   * Nicira {@code ct_clear}: forget the packet's connection-tracking state (ct_state, ct_zone and the connection's
   * original tuple), e.g. before a tracked packet goes to the controller, whose packet-in then carries none of it.
   */
  record CtClear() implements Action {
    @Override
    public String toString() {
      return "ct_clear";
    }
  }

  /**
   * Pass the packet through a meter of the bridge first (OpenFlow 1.3+: a meter instruction ahead of the actions;
   * ignored on OpenFlow 1.0). The meter is one an app declares with {@link ControllerApp#meters}.
   */
  record Meter(int id) implements Action {
    public Meter {
      if (id == 0 || Integer.toUnsignedLong(id) > 0xffff_0000L) {
        throw new IllegalArgumentException("meter id out of range: " + id);
      }
    }

    @Override
    public String toString() {
      return "meter:" + id;
    }
  }

  static Action meter(int id) {
    return new Meter(id);
  }

  /** {@link DecTtl} has no fields: one instance serves every entry. */
  DecTtl DEC_TTL = new DecTtl();

  static Action output(long port) {
    return OutputCache.of(port);
  }

  static Action setField(Field f, long v) {
    return new SetField(f, v);
  }

  static Action conntrack(boolean commit, int zone, Stage table) {
    return new Conntrack(commit, zone, table);
  }

  static Action conntrack(boolean commit, int zone, Stage table, Nat nat) {
    return new Conntrack(commit, zone, table, nat);
  }

  static String portName(long port) {
    if (port == PORT_IN_PORT) {
      return "IN_PORT";
    } else if (port == PORT_FLOOD) {
      return "FLOOD";
    } else if (port == PORT_ALL) {
      return "ALL";
    } else if (port == PORT_CONTROLLER) {
      return "CONTROLLER";
    } else if (port == PORT_LOCAL) {
      return "LOCAL";
    }
    return Long.toString(port);
  }
}
