package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The overlay relies on the config module to refuse a bad overlay as a whole, naming what is wrong: these are the
 * cases the app's flows assume never happen.
 */
class BadConfigTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "duplicate VNI | vni: 200, subnet: 192.168.2.0/24 | vni: 100, subnet: 192.168.2.0/24 | 100",
      "gateway outside the subnet | gateway: 192.168.2.1} | gateway: 192.168.9.1} | 192.168.9.1",
      "router joining overlapping subnets | subnet: 192.168.2.0/24 | subnet: 192.168.0.0/16 | overlap",
      "unknown network in a router | networks: [net1, net2] | networks: [net1, net3] | net3",
      "unknown network of an endpoint | network: net2, host | network: net4, host | net4",
      "unknown host of an endpoint | host: host2, port: con9 | host: host5, port: con9 | host5",
      "IP outside the subnet | ip: 192.168.2.2} | ip: 192.168.3.2} | 192.168.3.2",
      "duplicate IP in a network | ip: 192.168.1.5} | ip: 192.168.1.2} | 192.168.1.2",
      "duplicate MAC in a network | 02:00:00:00:01:05 | 02:00:00:00:01:02 | 02:00:00:00:01:02",
  })
  void isRefusedNamingTheProblem(String what, String from, String to, String named) {
    String yaml = Fixtures.YAML.replaceFirst(java.util.regex.Pattern.quote(from),
        java.util.regex.Matcher.quoteReplacement(to));
    assertTrue(!yaml.equals(Fixtures.YAML), "the case did not change the config: " + from);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml"), what);
    assertTrue(e.getMessage().contains(named), what + ": " + e.getMessage());
  }
}
