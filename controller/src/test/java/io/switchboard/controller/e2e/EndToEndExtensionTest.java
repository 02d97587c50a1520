package io.switchboard.controller.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.E2eDiagnostics;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The shared end-to-end life cycle ({@link EndToEnd}) on real OVS: a class of its own is run through the JUnit
 * launcher; its failing test carries the bed's state (the bridge's flows, the OVS log, the controller's sessions and
 * log), its passing test carries nothing, and afterwards no namespace of its prefix is left. A class whose
 * {@code @BeforeAll} fails half way fails with the state it reached, and is cleaned up too.
 */
class EndToEndExtensionTest {
  static volatile boolean launched;
  static volatile List<String> namespacesWhileUp = List.of();

  /** Run only by {@link #aFailureCarriesTheBedsStateAndTheBedIsGoneAfterwards}, not by surefire. */
  @EnabledIf("io.switchboard.controller.e2e.EndToEndExtensionTest#launched")
  static class OneFailingTest {
    @RegisterExtension
    static final EndToEnd e2e = new EndToEnd("e2ex");

    @BeforeAll
    static void up() throws Exception {
      SimHost h1 = e2e.bed().host("h1");
      Bridge ovs0 = h1.addBridge("ovs0", 0xe1L);
      e2e.bed().container(h1, "a", "ovs0", "10.22.0.1/24", null);
      e2e.start("apps: [hub]", new CoreEndToEndTest.HubApp()).connect(ovs0);
      ControllerHarness.awaitTrue("the hub's flows on ovs0", Duration.ofSeconds(5),
          () -> ovs0.dumpFlows().contains("actions=FLOOD"));
      namespacesWhileUp = TestBed.namespaces("e2ex");
    }

    @Test
    void fails() {
      throw new AssertionError("on purpose");
    }

    @Test
    void passes() {
      assertTrue(e2e.controller().controller().session("ovs0").isPresent());
    }
  }

  /** A set-up that fails half way: the class fails with the state it reached, and nothing is left. */
  @EnabledIf("io.switchboard.controller.e2e.EndToEndExtensionTest#launched")
  static class AFailingSetUp {
    @RegisterExtension
    static final EndToEnd e2e = new EndToEnd("e2ey");

    @BeforeAll
    static void up() {
      e2e.bed().host("h1").addBridge("ovs9", 0xe9L);
      throw new AssertionError("set-up fails");
    }

    @Test
    void neverRuns() {
      throw new AssertionError("ran after a failed set-up");
    }
  }

  static boolean launched() {
    return launched;
  }

  @Test
  void aFailureCarriesTheBedsStateAndTheBedIsGoneAfterwards() {
    Map<String, TestExecutionResult> results = launch(OneFailingTest.class);
    assertTrue(results.containsKey("fails()") && results.containsKey("passes()"), results::toString);
    assertTrue(results.values().stream().filter(r -> r.getStatus() != TestExecutionResult.Status.SUCCESSFUL)
        .count() == 1, () -> "only fails() failed; the class's set-up and clean-up passed: " + results);
    assertEquals(TestExecutionResult.Status.SUCCESSFUL, results.get("passes()").getStatus(), results::toString);
    assertEquals(0, results.get("passes()").getThrowable().map(t -> t.getSuppressed().length).orElse(0));

    Throwable failure = results.get("fails()").getThrowable().orElseThrow();
    assertEquals("on purpose", failure.getMessage());
    String d = Arrays.stream(failure.getSuppressed()).filter(E2eDiagnostics.class::isInstance).findFirst()
        .orElseThrow(() -> new AssertionError("no diagnostics on the failure", failure)).getMessage();
    assertTrue(d.contains("(testbed e2ex)") && d.contains("--- h1/ovs0 flows"), d);
    assertTrue(d.contains("actions=FLOOD"), "the hub's flows as the switch has them:\n" + d);
    int log = d.indexOf("--- h1 ovs-vswitchd.log");
    assertTrue(log > 0 && d.substring(log, d.indexOf("--- controller sessions")).contains("ovs0"),
        "the OVS log's tail:\n" + d);
    assertTrue(d.contains("ovs0 00:00:00:00:00:00:00:e1 reconciled=true"), "the controller's session:\n" + d);
    String controllerLog = d.substring(d.indexOf("--- controller log (last "));
    assertTrue(controllerLog.contains("00:00:00:00:00:00:00:e1") && !controllerLog.contains(" DEBUG "),
        "the controller's own lines about the bridge, no library's debug output:\n" + controllerLog);

    assertFalse(namespacesWhileUp.isEmpty(), "the class had its namespaces");
    assertEquals(List.of(), TestBed.namespaces("e2ex"), "and none is left");
  }

  @Test
  void aFailedSetUpCarriesTheStateItReachedAndTheBedIsGoneAfterwards() {
    Map<String, TestExecutionResult> results = launch(AFailingSetUp.class);
    Throwable failure = results.entrySet().stream().filter(e -> e.getKey().endsWith("AFailingSetUp"))
        .flatMap(e -> e.getValue().getThrowable().stream()).findFirst()
        .orElseThrow(() -> new AssertionError("the class did not fail: " + results));
    assertEquals("set-up fails", failure.getMessage());
    String d = Arrays.stream(failure.getSuppressed()).filter(E2eDiagnostics.class::isInstance).findFirst()
        .orElseThrow(() -> new AssertionError("no diagnostics on the failure", failure)).getMessage();
    assertTrue(d.contains("--- h1/ovs9 flows") && d.contains("(no controller running)"), d);
    assertFalse(results.containsKey("neverRuns()") && results.get("neverRuns()").getStatus()
        == TestExecutionResult.Status.SUCCESSFUL, results::toString);
    assertEquals(List.of(), TestBed.namespaces("e2ey"), "nothing is left");
  }

  static Map<String, TestExecutionResult> launch(Class<?> testClass) {
    Map<String, TestExecutionResult> results = new ConcurrentHashMap<>();
    launched = true;
    try {
      LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
          .selectors(selectClass(testClass)).build(), new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
              results.put(id.getDisplayName(), result);
            }
          });
    } finally {
      launched = false;
    }
    return results;
  }
}
