package io.switchboard.controller.testing;

import io.switchboard.controller.core.Mastership;
import io.switchboard.controller.spi.ControllerApp;
import io.switchboard.controller.store.InMemoryStoreFactory;
import io.switchboard.testbed.TestBed;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The life cycle of an end-to-end test class on real Open vSwitch, so that the class says only what it proves:
 *
 * <ul>
 *   <li>before the class's {@code @BeforeAll}: a {@link TestBed} with the class's own prefix (which also removes
 *       what a killed run with that prefix left behind);
 *   <li>{@link #start} / {@link #restart}: a {@link ControllerHarness} with a config and apps; the test points its
 *       bridges at it ({@link ControllerHarness#connect}, which waits until each bridge is reconciled);
 *   <li>on any failure (a test, or a {@code @BeforeAll}/{@code @BeforeEach}/{@code @AfterEach}/{@code @AfterAll}
 *       method) while everything is still up: {@link E2eDiagnostics} - every bridge's flows, the tail of each
 *       host's ovs-vswitchd log, the controller's sessions and the tail of its log - attached to the failure as a
 *       suppressed exception, so that it is in the test report next to the assertion;
 *   <li>after the class's {@code @AfterAll}: whatever was handed to {@link #closeAtEnd} (last first), the
 *       controller and the bed are closed, each even if another one's close failed.
 * </ul>
 *
 * <pre>{@code
 * class HubEndToEndTest {
 *   @RegisterExtension
 *   static final EndToEnd e2e = new EndToEnd("hub");
 *   static Container a;
 *   static Container b;
 *
 *   @BeforeAll
 *   static void up() throws Exception {
 *     SimHost h1 = e2e.bed().host("h1");
 *     Bridge ovs0 = h1.addBridge("ovs0", 0xc1L);
 *     a = e2e.bed().container(h1, "a", "ovs0", "10.20.0.1/24", null);
 *     b = e2e.bed().container(h1, "b", "ovs0", "10.20.0.2/24", null);
 *     e2e.start("apps: [hub]", new HubApp()).connect(ovs0);
 *   }
 *
 *   @Test
 *   void aReachesB() {
 *     assertTrue(a.canReachWithin(b.ip(), Duration.ofSeconds(5)));
 *   }
 * }
 * }</pre>
 *
 * <p>Register it on a {@code static} field (JUnit calls the class-level callbacks only then), also in classes with
 * {@code @TestInstance(PER_CLASS)}. A class whose controller is not a {@link ControllerHarness} (a cluster of
 * them, the server's own wiring) uses only {@link #bed()} and hands its controller to {@link #closeAtEnd}.
 */
public final class EndToEnd implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler,
    LifecycleMethodExecutionExceptionHandler {
  private final String prefix;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private TestBed bed;
  private ControllerHarness controller;
  private LogTail log;

  /** prefix: the bed's namespace prefix, unique among the test classes ({@code [a-z][a-z0-9]{0,7}}). */
  public EndToEnd(String prefix) {
    this.prefix = prefix;
  }

  /** The bed made for this class (after the class's callbacks started, i.e. from {@code @BeforeAll} on). */
  public synchronized TestBed bed() {
    if (bed == null) {
      throw new IllegalStateException("no test bed: register EndToEnd(\"" + prefix + "\") with @RegisterExtension on"
          + " a static field, and use it from @BeforeAll on");
    }
    return bed;
  }

  /**
   * Starts a controller on ephemeral loopback ports with the YAML config and apps (see {@link
   * ControllerHarness#start(String, ControllerApp...)}); one that is running is closed first, so bridges must be
   * connected anew.
   */
  public ControllerHarness start(String yaml, ControllerApp... apps) throws Exception {
    stopController();
    ControllerHarness c = ControllerHarness.start(yaml, apps);
    synchronized (this) {
      controller = c;
    }
    return c;
  }

  /**
   * Closes the running controller and starts a new one on the same OpenFlow port, with an empty in-memory store:
   * the bridges reconnect by themselves (within about a second, {@code max_backoff=1000}); wait for them with
   * {@link ControllerHarness#awaitSwitch}.
   */
  public ControllerHarness restart(String yaml, ControllerApp... apps) throws Exception {
    int port = controller().openflowPort();
    stopController();
    ControllerHarness c = ControllerHarness.start(yaml, port, new InMemoryStoreFactory(), Mastership.STANDALONE,
        apps);
    synchronized (this) {
      controller = c;
    }
    return c;
  }

  /** The controller of the last {@link #start} or {@link #restart}. */
  public synchronized ControllerHarness controller() {
    if (controller == null) {
      throw new IllegalStateException("no controller running: call start(yaml, apps...) first");
    }
    return controller;
  }

  /** Closes the running controller, if there is one (the bridges stay, without a controller). */
  public void stopController() {
    ControllerHarness c;
    synchronized (this) {
      c = controller;
      controller = null;
    }
    if (c != null) {
      c.close();
    }
  }

  /** Closes r after the class's {@code @AfterAll}, before the controller and the bed; returns r. */
  public synchronized <T extends AutoCloseable> T closeAtEnd(T r) {
    resources.push(r);
    return r;
  }

  /** What the bed and the controller look like now (never throws: whatever cannot be read says why). */
  public String diagnostics() {
    TestBed b;
    ControllerHarness c;
    synchronized (this) {
      b = bed;
      c = controller;
    }
    return E2eDiagnostics.describe(b, c, log);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    log = LogTail.attach();
    TestBed made = TestBed.create(prefix);
    synchronized (this) {
      bed = made;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    Exception first = null;
    while (true) {
      AutoCloseable r;
      synchronized (this) {
        r = resources.poll();
      }
      if (r == null) {
        break;
      }
      first = closing(r, first);
    }
    try {
      stopController();
    } catch (RuntimeException e) {
      first = first == null ? e : first;
    }
    TestBed b;
    synchronized (this) {
      b = bed;
      bed = null;
    }
    if (b != null) {
      first = closing(b, first);
    }
    if (log != null) {
      log.detach();
      log = null;
    }
    if (first != null) {
      throw first;
    }
  }

  private static Exception closing(AutoCloseable r, Exception first) {
    try {
      r.close();
      return first;
    } catch (Exception e) {
      if (first != null) {
        first.addSuppressed(e);
        return first;
      }
      return e;
    }
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
    throw withDiagnostics(t);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
    throw withDiagnostics(t);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
    throw withDiagnostics(t);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
    throw withDiagnostics(t);
  }

  @Override
  public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
    throw withDiagnostics(t);
  }

  private Throwable withDiagnostics(Throwable t) {
    synchronized (this) {
      if (bed == null || t instanceof org.opentest4j.TestAbortedException) {
        return t;
      }
    }
    t.addSuppressed(new E2eDiagnostics(diagnostics()));
    return t;
  }
}
