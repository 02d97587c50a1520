package io.switchboard.apps.overlay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.Result;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The REST side: one endpoint from a JSON body, validated against the running overlay. */
class OverlayEndpointsTest {

  private static OverlayConfig overlay() throws ConfigException {
    return OverlaySection.of(ConfigLoader.load(Check.EXAMPLES.resolve("scenario4-routing.yaml")));
  }

  private static Map<String, Object> endpoint(String name, String network, String host, String port, String mac,
      String ip) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("network", network);
    m.put("host", host);
    m.put("port", port);
    m.put("mac", mac);
    m.put("ip", ip);
    return m;
  }

  private static String errors(Map<String, Object> body) throws ConfigException {
    OverlayConfig o = overlay();
    Result<OverlayEndpoint> r = OverlayEndpoints.parseEndpoint(body, o, o.endpoints());
    assertTrue(!r.isOk(), () -> "expected errors for " + body);
    return r.errorText();
  }

  @Test
  void parsesAnEndpoint() throws ConfigException {
    OverlayConfig o = overlay();
    Result<OverlayEndpoint> r = OverlayEndpoints.parseEndpoint(
        endpoint("con12", "net2", "host1", "con12-eth", "02:00:00:00:02:0C", "192.168.2.12"), o, o.endpoints());
    assertTrue(r.isOk(), r::toString);
    OverlayEndpoint e = r.value();
    assertEquals("02:00:00:00:02:0c", e.mac().toString());
    assertEquals("192.168.2.12", e.ipText());
    assertEquals(e, OverlayEndpoints.parseEndpoint(e.toMap(), o, List.of()).value(), "toMap parses back");
    OverlayConfig added = o.withEndpoint(e);
    assertEquals(4, added.endpoints().size());
    assertEquals(e, added.endpoint("con12").orElseThrow());
    assertEquals(o, added.withoutEndpoint("con12"));
  }

  @Test
  void clashesWithExistingEndpoints() throws ConfigException {
    assertEquals("name: an endpoint named 'con6' already exists",
        errors(endpoint("con6", "net2", "host1", "x-eth", "02:00:00:00:09:09", "192.168.2.9")));
    assertEquals("mac: MAC 02:00:00:00:01:02 is already used by endpoint 'con6' in network net1; "
            + "ip: 192.168.1.2 is already used by endpoint 'con6' in network net1",
        errors(endpoint("new", "net1", "host2", "new-eth", "02:00:00:00:01:02", "192.168.1.2")));
    assertEquals("port: port con9-eth on host2 is already used by endpoint 'con9'",
        errors(endpoint("new", "net1", "host2", "con9-eth", "02:00:00:00:01:09", "192.168.1.9")));
    assertEquals("port: 'vxlan0' is the overlay's tunnel port",
        errors(endpoint("new", "net1", "host2", "vxlan0", "02:00:00:00:01:09", "192.168.1.9")));
  }

  @Test
  void addressesMustFitTheNetwork() throws ConfigException {
    assertEquals("ip: 192.168.2.7 is outside network net1's subnet 192.168.1.0/24",
        errors(endpoint("new", "net1", "host1", "n-eth", "02:00:00:00:01:07", "192.168.2.7")));
    assertEquals("ip: 192.168.1.1 is the gateway of network net1",
        errors(endpoint("new", "net1", "host1", "n-eth", "02:00:00:00:01:07", "192.168.1.1")));
    assertEquals("ip: 192.168.1.0 is the network address of 192.168.1.0/24",
        errors(endpoint("new", "net1", "host1", "n-eth", "02:00:00:00:01:07", "192.168.1.0")));
    assertEquals("mac: expected a unicast MAC address, got \"00:00:00:00:00:00\" (all zeros)",
        errors(endpoint("new", "net1", "host1", "n-eth", "00:00:00:00:00:00", "192.168.1.7")));
  }

  @Test
  void unknownReferencesSuggestNames() throws ConfigException {
    assertEquals("network: unknown network 'net3'; did you mean 'net1'? (networks: net1, net2); "
            + "host: unknown host 'hots1'; did you mean 'host1'? (hosts: host1, host2)",
        errors(endpoint("new", "net3", "hots1", "n-eth", "02:00:00:00:01:07", "192.168.1.7")));
  }

  @Test
  void badFieldsAndMissingFields() throws ConfigException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "a/b");
    body.put("ip", 5);
    body.put("vlan", 100);
    assertEquals("vlan: unknown key; expected one of: name, network, host, port, mac, ip; "
            + "name: expected a name (letters, digits, '.', '_', '-'), at most 64 characters, got \"a/b\"; "
            + "network: missing; expected an overlay network name; "
            + "host: missing; expected an overlay host name; "
            + "port: missing; expected the port's name on the host's bridge; "
            + "mac: missing; expected a MAC address like 02:00:00:00:01:02 or dynamic; "
            + "ip: expected an IPv4 address like 192.168.1.2, got \"5\"",
        errors(body));
  }
}
