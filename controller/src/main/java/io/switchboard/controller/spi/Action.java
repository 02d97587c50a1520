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

  static Action output(long port) {
    return new Output(port);
  }

  static Action setField(Field f, long v) {
    return new SetField(f, v);
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
