package io.switchboard.apps.overlay;

import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.Field;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.Stage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a packet through an app's entries as the core's multi-table pipeline would: highest priority first in
 * each stage, the core's miss behaviour (classify drops, acl/l3/learn continue, l2/egress drop), apply-actions,
 * write-metadata, goto. Like OVS, output to the ingress port is skipped unless it is IN_PORT, and dec_ttl drops
 * a packet whose TTL would reach zero. Enough to check forwarding behaviour in unit tests.
 */
final class PipelineInterpreter {
  /** A packet: header fields (absent = not present) and its IPv4 TTL. */
  static final class Packet {
    final Map<Field, Long> fields = new EnumMap<>(Field.class);
    int ttl = 64;

    Packet set(Field f, long v) {
      fields.put(f, v);
      return this;
    }

    long get(Field f) {
      Long v = fields.get(f);
      if (v == null) {
        throw new AssertionError("packet has no " + f + ": " + fields);
      }
      return v;
    }

    Packet copy() {
      Packet p = new Packet();
      p.fields.putAll(fields);
      p.ttl = ttl;
      return p;
    }

    @Override
    public String toString() {
      return fields + " ttl=" + ttl;
    }
  }

  /** A packet that left the bridge on a port (IN_PORT resolved to the real port number). */
  record Emitted(long port, Packet packet) {}

  private final List<FlowEntry> entries;

  PipelineInterpreter(List<FlowEntry> entries) {
    this.entries = entries.stream()
        .sorted(Comparator.comparingInt((FlowEntry e) -> -e.priority()))
        .toList();
  }

  List<Emitted> run(Packet input) {
    Packet p = input.copy();
    p.fields.put(Field.METADATA, 0L);
    List<Emitted> out = new ArrayList<>();
    Stage stage = Stage.CLASSIFY;
    while (stage != null) {
      FlowEntry hit = lookup(stage, p);
      if (hit == null) {
        stage = switch (stage) {
          case ACL -> Stage.L3;
          case L3 -> Stage.LEARN;
          case LEARN -> Stage.L2;
          default -> null;
        };
        continue;
      }
      if (!apply(hit, p, out)) {
        return out;
      }
      if (hit.metadata() != null) {
        long mask = hit.metadata().mask();
        p.fields.put(Field.METADATA, (p.get(Field.METADATA) & ~mask) | (hit.metadata().value() & mask));
      }
      stage = hit.next();
    }
    return out;
  }

  private FlowEntry lookup(Stage stage, Packet p) {
    for (FlowEntry e : entries) {
      if (e.stage() == stage && e.match().matches(p.fields)) {
        return e;
      }
    }
    return null;
  }

  /** false when the packet died (TTL). */
  private static boolean apply(FlowEntry e, Packet p, List<Emitted> out) {
    long inPort = p.get(Field.IN_PORT);
    for (Action a : e.actions()) {
      if (a instanceof Action.Output o) {
        if (o.port() == Action.PORT_IN_PORT) {
          out.add(new Emitted(inPort, p.copy()));
        } else if (o.port() != inPort) {
          out.add(new Emitted(o.port(), p.copy()));
        }
      } else if (a instanceof Action.SetField s) {
        p.fields.put(s.field(), s.value());
      } else if (a instanceof Action.Move m) {
        p.fields.put(m.dst(), p.get(m.src()));
      } else if (a instanceof Action.DecTtl) {
        if (p.ttl <= 1) {
          return false;
        }
        p.ttl--;
      } else {
        throw new AssertionError("the interpreter does not know " + a);
      }
    }
    return true;
  }
}
