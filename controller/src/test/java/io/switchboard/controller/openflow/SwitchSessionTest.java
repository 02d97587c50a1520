package io.switchboard.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.switchboard.config.OpenFlowLimits;
import io.switchboard.controller.core.SerialExecutor;
import io.switchboard.controller.flow.DesiredFlow;
import io.switchboard.controller.flow.FlowKey;
import io.switchboard.controller.flow.FlowOp;
import io.switchboard.controller.spi.FlowEntry;
import io.switchboard.controller.spi.FlowMatch;
import io.switchboard.controller.spi.PortInfo;
import io.switchboard.controller.spi.Stage;
import io.switchboard.controller.spi.SwitchView;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBarrierRequest;
import org.projectfloodlight.openflow.protocol.OFBundleCtrlType;
import org.projectfloodlight.openflow.protocol.OFBundleCtrlMsg;
import org.projectfloodlight.openflow.protocol.OFControllerRole;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFRoleRequest;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFErrorCauseData;
import org.projectfloodlight.openflow.types.U64;

/**
 * One session's parts against an EmbeddedChannel: the outbox (one flush per batch, bounded, too-large messages
 * refused), replies matched by xid (multipart, errors, bounds, disconnect), role requests, flow-mods in bundles
 * closed by shared barriers, and the port table behind the apps' view.
 */
class SwitchSessionTest {
  static final OFFactory F10 = OFFactories.getFactory(OFVersion.OF_10);
  static final OFFactory F13 = OFFactories.getFactory(OFVersion.OF_13);
  static final OFFactory F14 = OFFactories.getFactory(OFVersion.OF_14);

  /** Counts the flushes that reach the channel. */
  static final class FlushCounter extends ChannelOutboundHandlerAdapter {
    int flushes;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes++;
      ctx.flush();
    }
  }

  final FlushCounter flushes = new FlushCounter();
  final EmbeddedChannel channel = new EmbeddedChannel(flushes);
  final List<String> limits = new CopyOnWriteArrayList<>();
  final List<OFMessage> handled = new CopyOnWriteArrayList<>();
  /** A message with this xid makes the handler throw an Error. */
  static final long FAILS = 666;
  SwitchSession session;

  final SwitchListener listener = new SwitchListener() {
    public void switchUp(SwitchSession s) {}

    public void switchDown(SwitchSession s) {}

    public void message(SwitchSession s, OFMessage m) {
      if (m.getXid() == FAILS) {
        throw new AssertionError("an app's bug");
      }
      handled.add(m);
      s.send(F13.buildEchoReply().setXid(m.getXid()).setData(new byte[0]).build()); // one answer each
    }

    public void undecodable(SwitchSession s, Undecodable u) {}

    @Override
    public void limitHit(SwitchSession s, String limit, String why) {
      limits.add(limit);
    }
  };

  static PortInfo port(long n, String name) {
    return new PortInfo(n, name, 0x020000000000L + n, true);
  }

  SwitchSession session(OFFactory f, OpenFlowLimits l) {
    session = new SwitchSession(channel, f, 0xab, List.of(port(PortInfo.LOCAL, "br0"), port(1, "p1")),
        new SerialExecutor(Runnable::run, "test"), listener, l, null);
    return session;
  }

  SwitchSession session(OFFactory f) {
    return session(f, OpenFlowLimits.DEFAULTS);
  }

  /** What the session wrote, decoded (a buffer carries every message of a burst, back to back). */
  List<OFMessage> sent() {
    channel.runPendingTasks();
    List<OFMessage> out = new ArrayList<>();
    for (ByteBuf b = channel.readOutbound(); b != null; b = channel.readOutbound()) {
      try {
        while (b.isReadable()) {
          out.add(OFFactories.getGenericReader().readFrom(b));
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      } finally {
        b.release();
      }
    }
    return out;
  }

  static OpenFlowLimits limits(long maxOutbound, int maxParts) {
    OpenFlowLimits d = OpenFlowLimits.DEFAULTS;
    return new OpenFlowLimits(d.maxConnections(), d.maxHandshakes(), d.maxHandshakesPerSource(),
        d.handshakeTimeout(), d.inboundQueue(), d.inboundTotal(), maxOutbound, d.writeStallTimeout(), d.maxMultipartBytes(), maxParts);
  }

  // ---- outbox

  @Test
  void writesWaitForAFlushAndABurstIsFlushedOnce() {
    SwitchSession s = session(F13);
    for (int i = 0; i < 3; i++) {
      s.write(F13.buildEchoRequest().setXid(i).setData(new byte[0]).build());
    }
    assertTrue(s.outboxBytes() > 0);
    assertTrue(channel.outboundMessages().isEmpty(), "nothing written before the flush");
    s.flush();
    s.flush();
    assertEquals(3, sent().size());
    assertEquals(1, flushes.flushes, "one event-loop task wrote all three and flushed once");
    assertEquals(0, s.outboxBytes());
  }

  @Test
  void theAnswersOfOneInboxBatchShareOneFlush() {
    java.util.ArrayDeque<Runnable> pool = new java.util.ArrayDeque<>();
    session = new SwitchSession(channel, F13, 0xab, List.of(port(PortInfo.LOCAL, "br0")),
        new SerialExecutor(pool::add, "test"), listener, OpenFlowLimits.DEFAULTS, null);
    for (int i = 0; i < 5; i++) {
      session.deliver(F13.buildEchoRequest().setXid(100 + i).setData(new byte[0]).build());
    }
    assertEquals(1, pool.size(), "one worker turn for the five");
    pool.poll().run();
    assertEquals(5, handled.size());
    assertEquals(5, sent().size());
    assertEquals(1, flushes.flushes, "five answers, one flush");
    session.send(F13.buildEchoRequest().setXid(1).setData(new byte[0]).build());
    assertEquals(1, sent().size(), "outside a batch a send flushes itself");
    assertEquals(2, flushes.flushes);
  }

  /** A session whose worker runs its turns on the channel's own event loop, as the controller's do. */
  SwitchSession onLoop() {
    session = new SwitchSession(channel, F13, 0xab, List.of(port(PortInfo.LOCAL, "br0")),
        new SerialExecutor(channel.eventLoop(), "test"), listener, OpenFlowLimits.DEFAULTS, null);
    return session;
  }

  @Test
  void anIdleWorkerOnTheLoopHandlesAMessageInTheReadAndTheReadBatchFlushesOnce() {
    SwitchSession s = onLoop();
    for (int i = 0; i < 4; i++) {
      s.deliver(F13.buildEchoRequest().setXid(100 + i).setData(new byte[0]).build());
      assertEquals(i + 1, handled.size(), "handled within the read, no task in between");
    }
    assertEquals(0, s.inboxDepth());
    assertTrue(channel.outboundMessages().isEmpty(), "the answers wait for the end of the read batch");
    assertEquals(0, flushes.flushes);
    s.readComplete();
    assertEquals(List.of(100L, 101L, 102L, 103L), sent().stream().map(OFMessage::getXid).toList());
    assertEquals(1, flushes.flushes, "four answers, one flush");
    s.readComplete();
    assertEquals(1, flushes.flushes, "nothing handled since: no flush");
  }

  @Test
  void anErrorFromTheHandlerOfAMessageHandledAtOnceIsLoggedAndTheNextIsHandled() {
    SwitchSession s = onLoop();
    s.deliver(F13.buildEchoRequest().setXid(FAILS).setData(new byte[0]).build());
    s.deliver(F13.buildEchoRequest().setXid(1).setData(new byte[0]).build());
    assertEquals(List.of(1L), handled.stream().map(OFMessage::getXid).toList(), "the turn ended; the next went on");
    assertTrue(s.isOpen());
    assertTrue(channel.isOpen());
  }

  @Test
  void aLongReadBatchIsHandledAtOnceOnlyUpTo256MessagesTheRestTakeTheWorkersTurns() {
    SwitchSession s = onLoop();
    for (int i = 0; i < 300; i++) {
      s.deliver(F13.buildEchoRequest().setXid(i).setData(new byte[0]).build());
    }
    assertEquals(256, handled.size(), "the first 256 at once");
    assertEquals(44, s.inboxDepth(), "the rest queued for the worker");
    channel.runPendingTasks();
    s.readComplete();
    List<Long> order = new ArrayList<>();
    for (long i = 0; i < 300; i++) {
      order.add(i);
    }
    assertEquals(order, handled.stream().map(OFMessage::getXid).toList());
    assertEquals(order, sent().stream().map(OFMessage::getXid).toList());
    s.deliver(F13.buildEchoRequest().setXid(300).setData(new byte[0]).build());
    assertEquals(301, handled.size(), "the next read batch is handled at once again");
  }

  @Test
  void whileTheWorkerIsBusyMessagesQueueAndKeepTheirOrderAfterOnesHandledAtOnce() {
    SwitchSession s = onLoop();
    s.deliver(F13.buildEchoRequest().setXid(1).setData(new byte[0]).build());
    s.worker().execute(() -> handled.add(F13.buildEchoReply().setXid(99).setData(new byte[0]).build()));
    s.deliver(F13.buildEchoRequest().setXid(2).setData(new byte[0]).build()); // the worker has a task waiting
    s.deliver(F13.buildEchoRequest().setXid(3).setData(new byte[0]).build()); // the inbox has one: behind it
    assertEquals(List.of(1L), handled.stream().map(OFMessage::getXid).toList());
    assertEquals(2, s.inboxDepth());
    channel.runPendingTasks();
    assertEquals(List.of(1L, 99L, 2L, 3L), handled.stream().map(OFMessage::getXid).toList());
    s.deliver(F13.buildEchoRequest().setXid(4).setData(new byte[0]).build());
    assertEquals(5, handled.size(), "idle again: handled at once");
    s.readComplete();
    assertEquals(List.of(1L, 2L, 3L, 4L), sent().stream().map(OFMessage::getXid).toList());
  }

  @Test
  void aSwitchThatDoesNotReadIsDisconnected() {
    SwitchSession s = session(F13, limits(65_536, 16_384));
    byte[] data = new byte[30_000];
    for (int i = 0; i < 3; i++) {
      s.write(F13.buildPacketOut().setXid(i).setBufferId(org.projectfloodlight.openflow.types.OFBufferId.NO_BUFFER)
          .setInPort(org.projectfloodlight.openflow.types.OFPort.CONTROLLER).setActions(List.of()).setData(data)
          .build());
    }
    assertEquals(List.of("outbound"), limits);
    assertFalse(s.isOpen());
    s.write(F13.buildEchoRequest().setXid(9).setData(new byte[0]).build());
    s.flush();
    assertTrue(sent().isEmpty(), "a closing session writes nothing more");
  }

  @Test
  void aMessageTooLargeForOpenFlowIsRefusedNotWrapped() {
    SwitchSession s = session(F13);
    OFMessage huge = F13.buildEchoRequest().setXid(1).setData(new byte[70_000]).build();
    assertThrows(MessageTooLargeException.class, () -> s.send(huge));
    assertEquals(0, s.outboxBytes());
    assertTrue(sent().isEmpty());
  }

  // ---- replies by xid

  @Test
  void aRequestIsAnsweredByTheReplyWithItsXidAllPartsOfAMultipartReply() throws Exception {
    SwitchSession s = session(F13);
    CompletableFuture<List<OFMessage>> f = s.request(F13.buildFlowStatsRequest().setXid(50).build());
    assertFalse(s.reply(F13.buildEchoReply().setXid(51).setData(new byte[0]).build(), 8), "not ours");
    assertTrue(s.reply(F13.buildFlowStatsReply().setXid(50).setFlags(Set.of(OFStatsReplyFlags.REPLY_MORE))
        .setEntries(List.of()).build(), 16));
    assertFalse(f.isDone(), "more parts to come");
    assertTrue(s.reply(F13.buildFlowStatsReply().setXid(50).setEntries(List.of()).build(), 16));
    assertEquals(2, f.get().size());
    assertFalse(s.reply(F13.buildFlowStatsReply().setXid(50).setEntries(List.of()).build(), 16), "done: forgotten");
  }

  @Test
  void aMessageTheSwitchSendsOnItsOwnIsNoReplyWhateverItsXid() throws Exception {
    // a switch numbers its packet-ins as it likes: cbench-style generators count them up from 0, and so one carried
    // the xid of a waiting barrier, ended it early and never reached the apps; its reply was then "unhandled"
    SwitchSession s = session(F10);
    CompletableFuture<List<OFMessage>> barrier = s.request(F10.buildBarrierRequest().setXid(4232).build());
    CompletableFuture<List<OFMessage>> stats = s.request(F10.buildFlowStatsRequest().setXid(4233)
        .setMatch(F10.buildMatch().build()).setOutPort(org.projectfloodlight.openflow.types.OFPort.ANY)
        .setTableId(org.projectfloodlight.openflow.types.TableId.ALL).build());
    OFMessage packetIn = F10.buildPacketIn().setXid(4232).setBufferId(OFBufferId.of(7))
        .setInPort(org.projectfloodlight.openflow.types.OFPort.of(1))
        .setReason(org.projectfloodlight.openflow.protocol.OFPacketInReason.NO_MATCH).setData(new byte[60]).build();
    assertFalse(s.reply(packetIn, 78), "a packet-in is never a reply");
    assertFalse(s.reply(F10.buildBarrierReply().setXid(4233).build(), 8), "a barrier reply does not answer stats");
    assertFalse(barrier.isDone());
    assertFalse(stats.isDone());
    assertTrue(s.reply(F10.buildBarrierReply().setXid(4232).build(), 8));
    assertEquals(List.of(F10.buildBarrierReply().setXid(4232).build()), barrier.get());
    assertTrue(s.reply(F10.buildFlowStatsReply().setXid(4233).setEntries(List.of()).build(), 12));
    assertEquals(1, stats.get().size());
  }

  @Test
  void anUnparsableMessageFailsTheRequestWithItsXidOnlyWhenItIsThatRequestsReply() {
    SwitchSession s = session(F10);
    CompletableFuture<List<OFMessage>> barrier = s.request(F10.buildBarrierRequest().setXid(4300).build());
    s.failRequest(4300, 10, "a packet-in (OF1.0 type 10) that could not be parsed");
    assertFalse(barrier.isDone(), "a packet-in is never a barrier's reply");
    s.failRequest(4300, 19, "a barrier reply (OF1.0 type 19) that could not be parsed");
    assertTrue(barrier.isCompletedExceptionally());
    CompletableFuture<List<OFMessage>> other = s.request(F10.buildBarrierRequest().setXid(4301).build());
    s.failRequest(4301, 1, "an error that could not be parsed");
    assertTrue(other.isCompletedExceptionally());
  }

  @Test
  void anErrorFailsItsRequestAndTheEndOfTheConnectionFailsTheRest() {
    SwitchSession s = session(F13);
    CompletableFuture<List<OFMessage>> refused = s.request(F13.buildBarrierRequest().setXid(60).build());
    CompletableFuture<List<OFMessage>> waiting = s.request(F13.buildBarrierRequest().setXid(61).build());
    s.reply(F13.errorMsgs().buildBadRequestErrorMsg().setXid(60)
        .setCode(org.projectfloodlight.openflow.protocol.OFBadRequestCode.BAD_TYPE).setData(OFErrorCauseData.NONE)
        .build(), 12);
    ExecutionException e = assertThrows(ExecutionException.class, refused::get);
    assertInstanceOf(OpenFlowErrorException.class, e.getCause());
    s.markClosed();
    assertThrows(ExecutionException.class, waiting::get);
  }

  @Test
  void anEndlessMultipartReplyDisconnects() {
    SwitchSession s = session(F13, limits(32L << 20, 2));
    CompletableFuture<List<OFMessage>> f = s.request(F13.buildFlowStatsRequest().setXid(70).build());
    for (int i = 0; i < 3; i++) {
      s.reply(F13.buildFlowStatsReply().setXid(70).setFlags(Set.of(OFStatsReplyFlags.REPLY_MORE))
          .setEntries(List.of()).build(), 16);
    }
    assertTrue(f.isCompletedExceptionally());
    assertEquals(List.of("multipart"), limits);
    assertFalse(s.isOpen());
  }

  // ---- role requests

  @Test
  void aRoleRequestCarriesTheGenerationAndTheReplySetsTheRole() throws Exception {
    SwitchSession s = session(F13);
    CompletableFuture<SwitchSession.RoleReply> f = s.requestRole(OFControllerRole.ROLE_MASTER, 5);
    OFRoleRequest rr = (OFRoleRequest) sent().get(0);
    assertEquals(OFControllerRole.ROLE_MASTER, rr.getRole());
    assertEquals(5, rr.getGenerationId().getValue());
    s.reply(F13.buildRoleReply().setXid(rr.getXid()).setRole(OFControllerRole.ROLE_MASTER)
        .setGenerationId(U64.of(5)).build(), 24);
    assertEquals(new SwitchSession.RoleReply(OFControllerRole.ROLE_MASTER, 5), f.get());
    assertEquals("master", s.role());
  }

  @Test
  void openFlow10AnswersNoChangeLocally() throws Exception {
    SwitchSession s = session(OFFactories.getFactory(OFVersion.OF_10));
    s.role("slave");
    assertEquals(new SwitchSession.RoleReply(OFControllerRole.ROLE_SLAVE, -1),
        s.requestRole(OFControllerRole.ROLE_NOCHANGE, 0).get());
    assertTrue(sent().isEmpty());
  }

  // ---- flow-mods

  static FlowOp add(int priority) {
    FlowEntry e = FlowEntry.in(Stage.L2).priority(priority).match(FlowMatch.builder().ethType(0x0800).build())
        .build();
    return new FlowOp.Add(new DesiredFlow(new FlowKey(3, priority, e.match()), e, "app", 0));
  }

  @Test
  void aBatchGoesAsOneBundleClosedByABarrierThatSettlesItsFlowMods() {
    SwitchSession s = session(F14);
    s.apply(List.of(add(10), add(20)));
    List<OFMessage> out = sent();
    assertEquals(List.of(OFType.BUNDLE_CONTROL, OFType.BUNDLE_ADD_MESSAGE, OFType.BUNDLE_ADD_MESSAGE,
        OFType.BUNDLE_CONTROL, OFType.BARRIER_REQUEST), out.stream().map(OFMessage::getType).toList());
    assertEquals(OFBundleCtrlType.OPEN_REQUEST, ((OFBundleCtrlMsg) out.get(0)).getBundleCtrlType());
    assertEquals(OFBundleCtrlType.COMMIT_REQUEST, ((OFBundleCtrlMsg) out.get(3)).getBundleCtrlType());
    long firstFlowMod = out.get(0).getXid() + 1;
    assertNotNull(s.inflight(firstFlowMod), "an error for it would name the entry");
    OFBarrierRequest barrier = (OFBarrierRequest) out.get(4);
    s.reply(F14.buildBarrierReply().setXid(barrier.getXid()).build(), 8);
    assertNull(s.inflight(firstFlowMod), "settled by the barrier");
  }

  @Test
  void oneChangeIsAPlainFlowModAndChangesMeanwhileShareTheNextBarrier() {
    SwitchSession s = session(F14);
    s.apply(List.of(add(10)));
    List<OFMessage> first = sent();
    assertEquals(List.of(OFType.FLOW_MOD, OFType.BARRIER_REQUEST), first.stream().map(OFMessage::getType).toList());
    assertInstanceOf(OFFlowMod.class, first.get(0));
    s.apply(List.of(add(20)));
    List<OFMessage> second = sent();
    assertEquals(List.of(OFType.FLOW_MOD), second.stream().map(OFMessage::getType).toList(),
        "a barrier is on its way: no second one");
    s.reply(F14.buildBarrierReply().setXid(first.get(1).getXid()).build(), 8);
    List<OFMessage> third = sent();
    assertEquals(List.of(OFType.BARRIER_REQUEST), third.stream().map(OFMessage::getType).toList(),
        "the change sent meanwhile gets the next barrier");
    assertNotNull(s.inflight(second.get(0).getXid()));
  }

  static FlowOp.Add bufferedAdd(int table, int priority, int bufferId) {
    FlowEntry e = FlowEntry.in(Stage.L2).priority(priority).match(FlowMatch.builder().ethType(0x0800).build())
        .build();
    return new FlowOp.Add(new DesiredFlow(new FlowKey(table, priority, e.match()), e, "app", 0), bufferId);
  }

  @Test
  void anAddCarryingABufferedPacketSendsItsBufferIdOnOpenFlow10And13() {
    for (OFFactory f : List.of(OFFactories.getFactory(OFVersion.OF_10), F13)) {
      SwitchSession s = session(f);
      assertTrue(s.carriesBuffer(2), f.getVersion() + ": no bundles, any batch may carry a packet");
      s.apply(List.of(bufferedAdd(0, 10, 77), add(20)));
      List<OFMessage> out = sent();
      assertEquals(List.of(OFType.FLOW_MOD, OFType.FLOW_MOD, OFType.BARRIER_REQUEST),
          out.stream().map(OFMessage::getType).toList());
      assertEquals(77, ((OFFlowMod) out.get(0)).getBufferId().getInt(), "the switch applies the entry to packet 77");
      assertEquals(org.projectfloodlight.openflow.types.OFBufferId.NO_BUFFER, ((OFFlowMod) out.get(1)).getBufferId());
    }
  }

  @Test
  void insideABundleNoFlowModCarriesABufferedPacket() {
    SwitchSession s = session(F14);
    assertTrue(s.carriesBuffer(1));
    assertFalse(s.carriesBuffer(2), "two ops go as a bundle, whose flow-mods take no buffer id");
    s.apply(List.of(bufferedAdd(3, 10, 77)));
    OFFlowMod alone = (OFFlowMod) sent().get(0);
    assertEquals(77, alone.getBufferId().getInt(), "one op is a plain flow-mod: it may");
  }

  // ---- ports

  @Test
  void theLocalPortNamesTheBridgeAndTheViewChangesOnlyWithThePorts() {
    SwitchSession s = session(F13);
    assertEquals("br0", s.name());
    assertEquals(1, s.ports().size(), "LOCAL is the bridge, not a port");
    SwitchView v = s.view();
    assertSame(v, s.view());
    s.portChanged(port(2, "p2"), false);
    SwitchView v2 = s.view();
    assertNotSame(v, v2);
    assertTrue(v2.port("p2").isPresent());
    assertTrue(v.port("p2").isEmpty(), "an old view does not change");
    s.portChanged(port(1, "p1"), true);
    assertTrue(s.view().port(1).isEmpty());
    s.portChanged(port(PortInfo.LOCAL, "br-renamed"), false);
    assertEquals("br-renamed", s.view().name());
    s.setPorts(List.of(port(7, "p7")));
    assertEquals("br-renamed", s.name(), "a port list without LOCAL keeps the name");
    assertEquals(Set.of(7L), Set.copyOf(s.view().ports().stream().map(PortInfo::number).toList()));
  }
}
