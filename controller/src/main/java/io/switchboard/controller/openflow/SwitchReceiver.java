package io.switchboard.controller.openflow;

import io.netty.channel.Channel;
import io.switchboard.controller.core.SerialExecutor;
import java.util.concurrent.TimeUnit;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of one {@link SwitchSession}: messages from the switch wait in its bounded {@link Inbox}, and
 * the bridge's worker handles them in batches, after each of which what they produced is sent with one flush. When
 * the worker runs on the connection's event loop and has nothing to do, a message skips the queue: the loop handles
 * it as the worker's turn and flushes once the read batch is done.
 */
final class SwitchReceiver {
  private static final Logger log = LoggerFactory.getLogger(SwitchReceiver.class);
  /** Messages one worker turn handles before it lets other switches' work run. */
  private static final int BATCH = 256;
  /** A batch run on the event loop that takes longer than this is logged: something in it blocked. */
  static final long LOOP_STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  /** How long after a slow batch its stall is judged: the collectors' announcement of a pause comes just after it. */
  private static final long GC_NEWS_MS = 100;

  private final SwitchSession session;
  private final Channel channel;
  private final Inbox inbox;
  private final Outbox outbox;
  private final SerialExecutor worker;
  private final SwitchListener listener;
  private final Runnable drainTask = this::drainInbox;
  /**
   * The worker thread while it handles a batch, or the event loop while it handles a message at once: its sends are
   * flushed once, at the end of the batch or of the read batch.
   */
  private volatile Thread batchThread;
  /** Event loop only: messages of the current read batch were handled at once; when the first was; how many. */
  private boolean handledNow;
  private long nowStarted;
  private int nowHandled;

  SwitchReceiver(SwitchSession session, Channel channel, Inbox inbox, Outbox outbox, SerialExecutor worker,
                 SwitchListener listener) {
    this.session = session;
    this.channel = channel;
    this.inbox = inbox;
    this.outbox = outbox;
    this.worker = worker;
    this.listener = listener;
  }

  /** True on the worker while it handles a batch or a message at once (the batch's end flushes what it sent). */
  boolean inBatch() {
    return Thread.currentThread() == batchThread;
  }

  /**
   * Called on the event loop for every message of an active switch that is not the answer to a request: handles it
   * at once when the worker is idle on this loop ({@link #handleNow}), else queues it for the worker. A full inbox
   * pauses reading itself (through the channel's {@link Inbox.ReadControl}).
   */
  void deliver(Object msg) {
    if ((!handledNow || nowHandled < BATCH) && inbox.size() == 0 && !inbox.draining()
        && channel.eventLoop().inEventLoop() && worker.enter(channel.eventLoop())) {
      handleNow(msg);
      return;
    }
    inbox.offer(msg);
    if (inbox.claimDrain()) {
      worker.execute(drainTask);
    }
  }

  /**
   * On the event loop, as the worker's turn ({@link SerialExecutor#enter}): nothing waits before this message, so
   * it is handled at once rather than queued for a task that the same loop would run a moment later (the queue, the
   * task and the hand-over cost about as much as learning from a packet-in). What it sends goes out with the read
   * batch's flush, in {@link #readComplete}. At most {@value #BATCH} messages of one read batch are handled so; the
   * rest queue, and the inbox's bound and the workers' turns share the loop among the switches as before (one
   * read batch can hold thousands of packet-ins, and a flooding switch would otherwise keep the loop that long).
   */
  private void handleNow(Object msg) {
    if (!handledNow) {
      handledNow = true;
      nowStarted = System.nanoTime();
      nowHandled = 0;
    }
    batchThread = Thread.currentThread();
    try {
      if (!session.closing()) {
        nowHandled++;
        handle(msg);
      }
    } finally {
      batchThread = null;
      worker.leave();
    }
  }

  /**
   * The event loop has read what the socket held: what the messages handled at once produced is written and flushed
   * (one flush per read batch), and a batch that held the loop too long is reported, as a drained one is.
   */
  void readComplete() {
    if (!handledNow) {
      return;
    }
    handledNow = false;
    outbox.flushNow();
    checkStall(nowHandled, System.nanoTime() - nowStarted);
  }

  private void handle(Object m) {
    try {
      if (m instanceof Undecodable u) {
        listener.undecodable(session, u);
      } else {
        listener.message(session, (OFMessage) m);
      }
    } catch (RuntimeException | Error e) { // as SerialExecutor does: an app's failure does not close the connection
      log.error("switch {}: handling {} failed", session.dpidText(), m instanceof OFMessage o ? o.getType() : m, e);
    }
  }

  /** On the event loop: a batch of {@code handled} messages took {@code took} ns of it; too long is reported. */
  private void checkStall(int handled, long took) {
    if (took > LOOP_STALL_NANOS) {
      long tookMs = took / 1_000_000;
      long end = GcPauses.uptimeMillis();
      // the collectors announce a pause just after it: look once they have
      channel.eventLoop().schedule(() -> stalled(handled, tookMs, end - tookMs, end), GC_NEWS_MS,
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * A batch held the event loop for {@code tookMs}, from {@code from} to {@code to} (JVM uptime). A garbage-collection
   * pause stops every thread and is not the app's doing: its time is left out, and a batch slow only by it is not
   * reported (with the serial collector at 256 busy switches, young collections of 80-260 ms were).
   */
  private void stalled(int handled, long tookMs, long from, long to) {
    long gcMs = GcPauses.JVM.within(from, to);
    if ((tookMs - gcMs) * 1_000_000 <= LOOP_STALL_NANOS) {
      log.debug("switch {}: a batch of {} message(s) took {} ms, {} ms of it garbage collection", session.dpidText(),
          handled, tookMs, gcMs);
      return;
    }
    listener.limitHit(session, "event_loop_stall", "handling " + handled + " message(s) held the connection's"
        + " event loop for " + tookMs + " ms (more than " + LOOP_STALL_NANOS / 1_000_000 + " ms"
        + (gcMs > 0 ? "; " + gcMs + " ms of it garbage collection, not counted" : "") + ");"
        + " every switch on that loop waited: an app or store that says it never blocks did");
  }

  /**
   * On the worker: handles a batch of queued messages, then sends what they produced with one flush. When the worker
   * runs on the connection's event loop, the flush is written at once (no task) and a batch that held the loop
   * longer than {@link #LOOP_STALL_NANOS} is reported: an app that said it never blocks did.
   */
  private void drainInbox() {
    batchThread = Thread.currentThread();
    boolean onLoop = channel.eventLoop().inEventLoop();
    long started = onLoop ? System.nanoTime() : 0;
    int handled = 0;
    try {
      for (int i = 0; i < BATCH; i++) {
        Object m = inbox.poll();
        if (m == null) {
          break;
        }
        if (session.closing()) {
          continue; // the switch is gone: what it said last changes nothing
        }
        handled++;
        handle(m);
      }
    } finally {
      batchThread = null;
      outbox.flushNow();
      if (onLoop) {
        checkStall(handled, System.nanoTime() - started);
      }
      if (inbox.releaseDrain()) {
        worker.executeNextTurn(drainTask); // the rest after the other switches' turns
      }
    }
  }
}
