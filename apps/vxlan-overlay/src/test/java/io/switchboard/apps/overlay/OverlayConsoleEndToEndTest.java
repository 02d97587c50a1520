package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.controller.rest.RestServer;
import io.switchboard.controller.testing.ControllerHarness;
import io.switchboard.controller.testing.EndToEnd;
import io.switchboard.controller.testing.HeadlessChromium;
import io.switchboard.testbed.Bridge;
import io.switchboard.testbed.Container;
import io.switchboard.testbed.SimHost;
import io.switchboard.testbed.TestBed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's overlay views in headless Chromium, against real OVS: an endpoint added over REST is drawn in the
 * open topology without a reload (bound to its port), and the lease a real DHCP client (busybox udhcpc) gets for it
 * appears on the open cluster/config page, both through the event stream ({@code changed: overlay/endpoints},
 * {@code changed: overlay/leases}); an endpoint deleted over REST leaves the picture.
 */
class OverlayConsoleEndToEndTest {
  @RegisterExtension
  static final EndToEnd e2e = new EndToEnd("cnso");

  static final String YAML = """
      apps: [vxlan-overlay]
      overlay:
        hosts:
          - {name: host1, bridge: "00:00:00:00:00:00:0c:51", tunnel-ip: 10.99.0.1}
        networks:
          - {name: net1, vni: 100, subnet: 192.168.1.0/24, gateway: 192.168.1.1, dhcp: {lease-time: 1h}}
        endpoints:
          - {name: con6, network: net1, host: host1, port: con6-eth, mac: "02:00:00:00:01:02", ip: 192.168.1.2}
      """;
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String ENDPOINTS = "[...document.querySelectorAll('svg .endpoint')].map(e => e.dataset.endpoint + ':'"
      + " + e.dataset.source + (e.classList.contains('unbound') ? ':unbound' : '')).sort().join()";

  @Test
  void aRestEndpointIsDrawnLiveAndItsDhcpLeaseShows() throws Exception {
    TestBed bed = e2e.bed();
    ControllerHarness ctl = e2e.start(YAML, new VxlanOverlayApp());
    try (HeadlessChromium browser = HeadlessChromium.start()) {
      SimHost h1 = bed.host("h1");
      Bridge br = h1.addBridge("br-int", 0xc51L);
      bed.container(h1, "con6", "br-int", "192.168.1.2/24", "02:00:00:00:01:02");
      Container vm1 = bed.container(h1, "vm1", "br-int", "192.168.1.250/24", "02:00:00:00:01:30");
      vm1.exec("ip", "addr", "flush", "dev", "eth0"); // no address until DHCP gives one
      Path dir = Files.createDirectories(bed.stateDir().resolve("dhcp"));
      Path script = dir.resolve("udhcpc.sh");
      Files.writeString(script, DhcpEndToEndTest.UDHCPC_SCRIPT);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
      ctl.connect(br);

      String root = ctl.restBase().replace(RestServer.BASE, "");
      browser.navigate(root + "/ui/");
      browser.await("the topology with the config's endpoint, live", WAIT,
          ENDPOINTS + " + '|' + document.getElementById('live').textContent",
          v -> v.asText().equals("con6:config|live"));
      browser.eval("window.notReloaded = 5");

      var created = ctl.post("/overlay/endpoints", "{\"name\": \"vm1\", \"network\": \"net1\", \"host\": \"host1\", "
          + "\"port\": \"vm1-eth\", \"mac\": \"02:00:00:00:01:30\", \"ip\": \"dynamic\"}");
      assertEquals(201, created.status(), created.body());
      browser.await("vm1 drawn without a reload, bound to its port", WAIT, ENDPOINTS + " + '|' + window.notReloaded",
          v -> v.asText().equals("con6:config,vm1:api|5"));
      assertTrue(browser.eval("document.querySelector('svg .endpoint[data-endpoint=vm1] title').textContent")
          .asText().contains("added through the API"));
      browser.screenshot(Path.of("target", "ui-screenshots", "topology-endpoints.png"));

      browser.eval("location.hash = '#/system'; true");
      browser.await("the page's leases: none yet", WAIT,
          "(document.getElementById('system-leases') || {}).textContent + '|' + window.notReloaded",
          v -> v.asText().startsWith("none") && v.asText().endsWith("|5"));

      try (var udhcpc = vm1.spawn("udhcpc", "-f", "-i", "eth0", "-s", script.toString(), "-t", "10", "-T", "1",
          "-A", "1")) {
        String lease = browser.await("vm1's lease on the open page", WAIT,
            "[...document.querySelectorAll('tr.lease-row')].map(r => r.dataset.endpoint + ' ' + r.dataset.ip).join()"
                + " + '|' + window.notReloaded", v -> v.asText().startsWith("vm1 ")).asText();
        assertEquals("vm1 192.168.1.3|5", lease, "the first free address after con6's, on the same page: "
            + udhcpc.output());
        browser.screenshot(Path.of("target", "ui-screenshots", "system-leases.png"));
      }

      browser.eval("location.hash = '#/'; true");
      browser.await("the topology again", WAIT, ENDPOINTS, v -> v.asText().equals("con6:config,vm1:api"));
      assertEquals(2, ctl.delete("/overlay/endpoints/vm1").status() / 100);
      browser.await("vm1 gone from the picture without a reload", WAIT, ENDPOINTS + " + '|' + window.notReloaded",
          v -> v.asText().equals("con6:config|5"));
    }
  }
}
