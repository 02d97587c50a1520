package io.switchboard.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The plugin without a network: config validation, error objects, names, JSON, the installer's wrapper. */
class PluginUnitTest {
  record Run(int exit, Map<String, Object> out) {}

  static Run run(Map<String, String> env, String stdin) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int exit = Main.run(env, stdin, new PrintStream(b, true, StandardCharsets.UTF_8));
    return new Run(exit, Json.parseObject(b.toString(StandardCharsets.UTF_8)));
  }

  @Test
  void versionAnswersInTheRequestedVersion() {
    Run r = run(Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\": \"0.4.0\"}");
    assertEquals(0, r.exit());
    assertEquals("0.4.0", r.out().get("cniVersion"));
    assertEquals(List.of("0.4.0", "1.0.0", "1.1.0"), r.out().get("supportedVersions"));
    assertEquals("1.1.0", run(Map.of("CNI_COMMAND", "VERSION"), "").out().get("cniVersion"));
  }

  @Test
  void everyBadKeyIsNamedInOneErrorOfCode4() {
    Run r = run(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c", "CNI_NETNS", "/x", "CNI_IFNAME", "eth0"),
        "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"switchboard\", \"api\": \"localhost:8080\","
            + " \"mtu\": 70000, \"brige\": \"br-int\", \"ovsdb\": \"/run/db.sock\"}");
    assertEquals(1, r.exit());
    assertEquals(4L, r.out().get("code"));
    String msg = (String) r.out().get("msg");
    for (String key : List.of("network: required", "api: expected an http://", "mtu: expected a number",
        "brige: unknown key", "ovsdb: expected unix:PATH")) {
      assertTrue(msg.contains(key), key + " in " + msg);
    }
  }

  @Test
  void unsupportedVersionIsCode1AndGarbageIsCode6() {
    assertEquals(1L, run(Map.of("CNI_COMMAND", "ADD"), "{\"cniVersion\": \"0.3.1\", \"network\": \"n\"}")
        .out().get("code"));
    assertEquals(6L, run(Map.of("CNI_COMMAND", "DEL"), "not json").out().get("code"));
  }

  @Test
  void missingOrBadEnvironmentIsCode7() {
    String conf = "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"network\": \"net1\"}";
    Run none = run(Map.of(), conf);
    assertEquals(7L, none.out().get("code"));
    Run noId = run(Map.of("CNI_COMMAND", "DEL", "CNI_IFNAME", "eth0"), conf);
    assertEquals(7L, noId.out().get("code"));
    assertTrue(((String) noId.out().get("msg")).contains("CNI_CONTAINERID"));
    Run badIf = run(Map.of("CNI_COMMAND", "DEL", "CNI_CONTAINERID", "abc", "CNI_IFNAME", "much-too-long-name0"),
        conf);
    assertEquals(7L, badIf.out().get("code"));
    Run badId = run(Map.of("CNI_COMMAND", "DEL", "CNI_CONTAINERID", "../etc", "CNI_IFNAME", "eth0"), conf);
    assertEquals(7L, badId.out().get("code"));
    Run unknown = run(Map.of("CNI_COMMAND", "FROB"), conf);
    assertEquals(7L, unknown.out().get("code"));
  }

  @Test
  void theControllerUnreachableIsTryAgainLaterAndStatusSays50() {
    String conf = "{\"cniVersion\": \"1.1.0\", \"name\": \"n\", \"network\": \"net1\", \"host\": \"h\","
        + " \"api\": \"http://127.0.0.1:9\", \"token-file\": \"/nonexistent-token\"}";
    Map<String, String> env = Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c1", "CNI_NETNS", "/proc/self/ns/net",
        "CNI_IFNAME", "eth0");
    Run add = run(env, conf);
    assertEquals(4L, add.out().get("code"), "an explicitly named token file must exist: " + add.out());
    String noToken = conf.replace(", \"token-file\": \"/nonexistent-token\"", "");
    assertEquals(11L, run(env, noToken).out().get("code"));
    assertEquals(50L, run(Map.of("CNI_COMMAND", "STATUS"), noToken).out().get("code"));
  }

  @Test
  void namesAreDeterministicDistinctAndFitLinux() {
    Attachment a = Attachment.of("4f3a1c2b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a", "eth0");
    assertEquals(a, Attachment.of(a.containerId(), "eth0"));
    assertTrue(a.hostVeth().length() <= 15, a.hostVeth());
    assertEquals(a.hostVeth(), Attachment.vethOf(a.endpoint()));
    assertNotEquals(a.endpoint(), Attachment.of(a.containerId(), "eth1").endpoint());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      names.add(Attachment.of("c" + i, "eth0").hostVeth());
    }
    assertEquals(10_000, names.size());
    assertEquals(null, Attachment.vethOf("con6"));
  }

  @Test
  void jsonRoundTrips() {
    String text = "{\"a\": [1, 2.5, true, null, \"x\\\"y\\n\\u00e9\"], \"b\": {}, \"c\": []}";
    Object v = Json.parse(text);
    assertEquals(v, Json.parse(Json.write(v)));
    assertEquals("x\"y\né", ((List<?>) ((Map<?, ?>) v).get("a")).get(4));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1,}"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] 2"));
  }

  @Test
  void anIpamResultGivesOnlyAddressesToIp() throws CniException {
    Map<String, Object> net = Map.of("name", "net1", "subnet", "192.168.1.0/24", "gateway", "192.168.1.1");
    Map<String, Object> result = Json.parseObject("""
        {"ips": [{"address": "fd00::5/64"}, {"address": "192.168.1.200/24", "gateway": "192.168.1.254"}],
         "routes": [{"dst": "10.0.0.0/8"}, {"dst": "0.0.0.0/0\\nlink del eth0"}, {"dst": "::/0"}],
         "dns": {"nameservers": ["192.168.1.53"]}}""");
    Address a = Address.fromIpam(result, net);
    assertEquals("192.168.1.200/24", a.cidr());
    assertEquals("192.168.1.254", a.gateway());
    assertEquals(List.of(Map.of("dst", "10.0.0.0/8", "gw", "192.168.1.254")), a.routes());
    assertEquals(List.of("192.168.1.53"), a.dns().get("nameservers"));
    assertThrows(CniException.class, () -> Address.fromIpam(Json.parseObject("{\"ips\": []}"), net));
    Address n = Address.fromNetwork("192.168.1.7", net);
    assertEquals("192.168.1.7/24", n.cidr());
    assertEquals(List.of(Map.of("dst", "0.0.0.0/0", "gw", "192.168.1.1")), n.routes());
    assertThrows(CniException.class, () -> Address.fromNetwork("192.168.1.7", Map.of("subnet", "x")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theExampleConflistIsValid() throws Exception {
    Map<String, Object> list = Json.parseObject(java.nio.file.Files.readString(
        java.nio.file.Path.of("examples", "10-overlay.conflist")));
    Map<String, Object> entry = CniRuntime.pluginConf(list, ((List<Map<String, Object>>) list.get("plugins")).get(0),
        null, Map.of());
    NetConf c = NetConf.parse(Json.write(entry), false);
    assertEquals("net1", c.network());
    assertEquals("overlay1", c.name());
    assertEquals("br-int", c.bridge());
  }

  @Test
  void theDpidOfABridgeIsReadInEveryUsualForm() {
    assertEquals(1L, OverlayClient.parseDpid("0000000000000001"));
    assertEquals(1L, OverlayClient.parseDpid("00:00:00:00:00:00:00:01"));
    assertEquals(-1L, OverlayClient.parseDpid("br-int"));
    assertEquals(-1L, OverlayClient.parseDpid(null));
  }

  /** As {@code switchboard cni-install} runs it: from a jar holding more than the plugin (the controller's jar). */
  @Test
  void theInstallerCopiesOnlyThePluginOutOfABiggerJar(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    java.nio.file.Path big = tmp.resolve("big.jar");
    java.nio.file.Path classes = java.nio.file.Path.of(Install.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI());
    try (var out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(big));
        var files = java.nio.file.Files.walk(classes)) {
      for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
        out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(f).toString()));
        java.nio.file.Files.copy(f, out);
      }
      out.putNextEntry(new java.util.jar.JarEntry("io/switchboard/Other.class")); // not the plugin's
      out.write(new byte[] {1, 2, 3});
    }
    try (var loader = new java.net.URLClassLoader(new java.net.URL[] {big.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      Class<?> install = loader.loadClass(Install.class.getName());
      java.nio.file.Path exe = (java.nio.file.Path) install.getMethod("install", java.nio.file.Path.class)
          .invoke(null, tmp.resolve("bin"));
      assertTrue(java.nio.file.Files.isExecutable(exe));
    }
    java.nio.file.Path bin = tmp.resolve("bin");
    try (var jar = new java.util.jar.JarFile(bin.resolve(Install.JAR).toFile())) {
      assertEquals(Main.class.getName(), jar.getManifest().getMainAttributes().getValue("Main-Class"));
      assertTrue(jar.stream().allMatch(e -> e.getName().startsWith("io/switchboard/cni/")
          || e.getName().startsWith("META-INF/")), "only the plugin's classes");
      assertTrue(jar.getEntry("io/switchboard/cni/Plugin.class") != null);
    }
    assertTrue(java.nio.file.Files.size(bin.resolve(Install.ARCHIVE)) > 0, "the class-data archive");
    Process p = new ProcessBuilder(bin.resolve("switchboard").toString()).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(1, p.waitFor(), "no CNI_COMMAND: an error object, exit 1");
    assertEquals(7L, Json.parseObject(out).get("code"), out);
  }

  @Test
  void theWrapperExecsThisJvmWithTheArchive() {
    String w = Install.wrapper(java.nio.file.Path.of("/usr/lib/jvm/j/bin/java"), java.nio.file.Path.of("/opt/cni/bin"));
    assertTrue(w.startsWith("#!/bin/sh\n"));
    assertTrue(w.contains("-XX:SharedArchiveFile=$d/switchboard-cni.jsa"), w);
    assertTrue(w.contains("-XX:TieredStopAtLevel=1"), w);
    assertTrue(w.contains("exec '/usr/lib/jvm/j/bin/java'"), w);
  }
}
