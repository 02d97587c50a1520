package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/v1/config: the running config's text as last applied, with secrets taken out. */
class RunningConfigTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void redactsPemBlocksAndSecretValuesButKeepsPaths() {
    String yaml = """
        rest:
          listen: 127.0.0.1:8080
          token-file: /var/lib/switchboard/rest-token   # a path: shown
        openflow:
          tls: {cert: /etc/switchboard/ctl-cert.pem, key: /etc/switchboard/ctl-privkey.pem, ca: /etc/ca.pem}
        myapp:
          password: hunter2
          "api-token": 'abc def'
          inline: {secret: s3cr3t, keep: yes, cluster-password: "p,w"}
          private-key: |
            MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ
            more of it
          after: shown
        bridges:
          - bridge: ovs0
            certificate: |
              -----BEGIN PRIVATE KEY-----
              MIIEvQIBADANBgkqhkiG9w0BAQEFAASC
              -----END PRIVATE KEY-----
        """;
    String out = RunningConfigText.redact(yaml);
    for (String secret : List.of("hunter2", "abc def", "s3cr3t", "p,w", "MIIEvQ", "more of it", "BEGIN PRIVATE")) {
      assertFalse(out.contains(secret), secret + " is shown:\n" + out);
    }
    for (String kept : List.of("token-file: /var/lib/switchboard/rest-token   # a path: shown",
        "key: /etc/switchboard/ctl-privkey.pem", "keep: yes", "after: shown", "  password: <redacted>",
        "\"api-token\": <redacted>", "{secret: <redacted>, keep: yes, cluster-password: <redacted>}",
        "  private-key: <redacted>\n  after: shown", "certificate: |\n      <redacted>\n")) {
      assertTrue(out.contains(kept), "expected '" + kept + "' in:\n" + out);
    }
    assertEquals(yaml.lines().count() - 4, out.lines().count(), "only the secrets' lines are gone (2 + 2)");
  }

  static String config(String rule) {
    return """
        openflow: {listen: 127.0.0.1:0}
        rest: {listen: 127.0.0.1:0, token-file: rest-token}
        apps: [acl]
        acl:
          rules:
            - {name: %s, priority: 10, match: {tcp-dst: 23}, action: drop}
        """.formatted(rule);
  }

  @Test
  void showsTheFileAsAppliedAtStartAndAfterEachReload() throws Exception {
    Path file = dir.resolve("switchboard.yaml");
    Files.writeString(file, config("first"));
    try (Switchboard sb = Switchboard.start(ConfigLoader.load(file), file)) {
      Http http = new Http(sb);
      JsonNode c = JSON.readTree(http.get("/config").body());
      assertEquals(file.toString(), c.get("file").asText());
      assertEquals(config("first"), c.get("text").asText());
      assertEquals(0, c.get("restart-required").size());

      // a refused file is not the running one
      Files.writeString(file, "apps: [acll]\n");
      assertEquals(400, http.post("/config/reload", "").status());
      assertEquals(config("first"), JSON.readTree(http.get("/config").body()).get("text").asText());

      String second = config("second").replace("openflow: {listen: 127.0.0.1:0}", "openflow: {listen: 127.0.0.1:1}");
      Files.writeString(file, second);
      assertEquals(200, http.post("/config/reload", "").status());
      c = JSON.readTree(http.get("/config").body());
      assertEquals(second, c.get("text").asText());
      assertEquals("[\"openflow.listen\"]", c.get("restart-required").toString(), "in the file, not yet running");
    }
  }

  @Test
  void theBuiltInDefaultsHaveNoText() throws Exception {
    Path file = dir.resolve("switchboard.yaml");
    Files.writeString(file, config("x"));
    try (Switchboard sb = Switchboard.start(ConfigLoader.load(file), null)) {
      JsonNode c = JSON.readTree(new Http(sb).get("/config").body());
      assertTrue(c.get("text").isNull());
      assertTrue(c.get("note").asText().startsWith("the built-in defaults"), c.toString());
    }
  }
}
