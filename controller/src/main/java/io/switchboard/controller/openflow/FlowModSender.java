package io.switchboard.controller.openflow;

import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.FlowOp;
import io.switchboard.controller.flow.FlowProgrammer;
import io.switchboard.controller.flow.InstalledFlow;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.projectfloodlight.openflow.protocol.OFBundleCtrlType;
import org.projectfloodlight.openflow.protocol.OFBundleFlags;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.BundleId;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow changes to one switch and the read-back of its table: a batch goes as one atomic bundle (OpenFlow 1.4+) or
 * as plain flow-mods, closed by a barrier; flow-mods not yet confirmed by a barrier are remembered by xid, so that
 * an error names the entry it was about. At most one barrier is outstanding; flow-mods sent meanwhile share the
 * next one.
 */
final class FlowModSender {
  private static final Logger log = LoggerFactory.getLogger(FlowModSender.class);

  private final SwitchSession session;
  private final OFFactory factory;
  private final Outbox outbox;
  private final AtomicInteger bundleIds = new AtomicInteger(1);
  /** Flow-mods sent and not yet confirmed by a barrier: xid -> the entry they were about. */
  private final ConcurrentSkipListMap<Long, FlowKey> inflight = new ConcurrentSkipListMap<>();
  private final AtomicBoolean barrierPending = new AtomicBoolean();
  /** Entries refused as too large, each logged once while this connection lasts. */
  private final Set<FlowKey> refusedKeys = ConcurrentHashMap.newKeySet();

  FlowModSender(SwitchSession session, OFFactory factory, Outbox outbox) {
    this.session = session;
    this.factory = factory;
    this.outbox = outbox;
  }

  /** The entry a failed flow-mod (by xid) was about, or null. */
  FlowKey inflight(long xid) {
    return inflight.get(xid);
  }

  void apply(List<FlowOp> ops) {
    boolean bundle = ops.size() > 1 && factory.getVersion().compareTo(OFVersion.OF_14) >= 0;
    BundleId bundleId = BundleId.of(bundleIds.getAndIncrement());
    var flags = EnumSet.of(OFBundleFlags.ATOMIC, OFBundleFlags.ORDERED);
    if (bundle) {
      outbox.write(factory.buildBundleCtrlMsg().setXid(session.nextXid()).setBundleId(bundleId)
          .setBundleCtrlType(OFBundleCtrlType.OPEN_REQUEST).setFlags(flags).setProperties(List.of()).build());
    }
    for (FlowOp op : ops) {
      long xid = session.nextXid();
      OFFlowMod fm;
      if (op instanceof FlowOp.Add a) {
        fm = session.translator().add(a.flow(), xid);
      } else if (op instanceof FlowOp.Modify m) {
        fm = session.translator().modify(m.flow(), xid);
      } else {
        fm = session.translator().delete(op.key(), xid);
      }
      if (op instanceof FlowOp.Add a && a.bufferId() >= 0 && !bundle) {
        // the switch applies the new entry to the packet it kept (rare: only a buffered packet-in's new entry)
        fm = fm.createBuilder().setBufferId(OFBufferId.of(a.bufferId())).build();
      }
      inflight.put(xid, op.key());
      try {
        if (bundle) {
          outbox.writeBundleAdd(factory.getVersion().getWireVersion(), xid, bundleId.getInt(), fm);
        } else {
          outbox.write(fm);
        }
      } catch (MessageTooLargeException e) {
        inflight.remove(xid);
        refused(op, e.getMessage());
      }
    }
    if (bundle) {
      outbox.write(factory.buildBundleCtrlMsg().setXid(session.nextXid()).setBundleId(bundleId)
          .setBundleCtrlType(OFBundleCtrlType.COMMIT_REQUEST).setFlags(flags).setProperties(List.of()).build());
    }
    outbox.flush();
    barrier();
  }

  /** A flow that cannot be sent is refused with an error naming it; the programmer treats it as failed. */
  private void refused(FlowOp op, String why) {
    if (refusedKeys.size() < 10_000 && refusedKeys.add(op.key())) {
      log.error("switch {}: refusing to send the flow {}: {}", session.dpidText(), op instanceof FlowOp.Add a
          ? a.flow() : op instanceof FlowOp.Modify m ? m.flow() : op.key(), why);
    }
    session.limitHit("message_size", why);
    FlowProgrammer p = session.programmer();
    if (p != null) {
      p.flowFailed(op.key());
    }
  }

  /**
   * Closes what was sent with a barrier, unless one is already on its way: reactive updates then share the next
   * one instead of each waiting for its own. When it returns, every flow-mod sent before it is settled.
   */
  private void barrier() {
    if (!barrierPending.compareAndSet(false, true)) {
      return;
    }
    long xid = session.nextXid();
    session.request(factory.buildBarrierRequest().setXid(xid).build()).whenComplete((r, e) -> {
      inflight.headMap(xid).clear();
      barrierPending.set(false);
      if (!inflight.isEmpty() && session.isOpen()) {
        barrier();
      }
    });
  }

  /** Every flow the switch holds (flow stats, all tables). */
  CompletableFuture<List<InstalledFlow>> readFlows() {
    var b = factory.buildFlowStatsRequest().setXid(session.nextXid()).setMatch(factory.buildMatch().build())
        .setOutPort(OFPort.ANY).setTableId(TableId.ALL);
    if (factory.getVersion() != OFVersion.OF_10) {
      b.setOutGroup(OFGroup.ANY).setCookie(U64.ZERO).setCookieMask(U64.ZERO);
    }
    return session.request(b.build()).thenApply(parts -> {
      List<InstalledFlow> flows = new ArrayList<>();
      for (OFMessage m : parts) {
        if (m instanceof OFFlowStatsReply r) {
          r.getEntries().forEach(e -> flows.add(session.translator().fromStats(e)));
        }
      }
      return flows;
    });
  }
}
