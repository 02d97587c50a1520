package io.switchboard.cni;

import io.switchboard.testbed.SimHost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a container runtime does with a conflist (libcni's rules), small enough to read: ADD runs the plugins in
 * order, each given the previous one's result as {@code prevResult} and the runtime's values for the capabilities it
 * declares as {@code runtimeConfig}; CHECK runs them in order and DEL in reverse, both with the cached result of the
 * ADD. Each plugin is exec'd from CNI_PATH inside the simulated host's network namespace (where a runtime and the
 * host's OVS are), with the CNI_* variables in its environment and its config on stdin.
 */
final class CniRuntime {
  record Exec(int exit, String stdout, String stderr) {
    Map<String, Object> json() {
      return Json.parseObject(stdout);
    }

    long code() {
      return exit == 0 ? 0 : (Long) json().get("code");
    }
  }

  private final List<String> cniPath;

  CniRuntime(List<String> cniPath) {
    this.cniPath = List.copyOf(cniPath);
  }

  /** One plugin exec: {@code ip netns exec HOST CNI_PATH/type} with the environment and stdin. */
  Exec exec(SimHost host, String type, String command, String containerId, String netns, String ifname,
      String stdin, Map<String, String> extraEnv) throws IOException, InterruptedException {
    Path exe = null;
    for (String d : cniPath) {
      if (java.nio.file.Files.isExecutable(Path.of(d, type))) {
        exe = Path.of(d, type);
        break;
      }
    }
    if (exe == null) {
      throw new IllegalStateException("no plugin " + type + " in " + cniPath);
    }
    ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", host.namespace(), exe.toString());
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("CNI_COMMAND", command);
    if (containerId != null) {
      env.put("CNI_CONTAINERID", containerId);
    }
    if (netns != null) {
      env.put("CNI_NETNS", netns);
    }
    if (ifname != null) {
      env.put("CNI_IFNAME", ifname);
    }
    env.put("CNI_PATH", String.join(":", cniPath));
    env.put("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=test");
    env.putAll(extraEnv);
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread t = new Thread(() -> drain(p.getErrorStream(), err));
    t.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(type + " " + command + " did not finish");
    }
    t.join();
    return new Exec(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
  }

  private static void drain(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException ignored) {
      // process gone
    }
  }

  /** A conflist's ADD: the final result, or the first failing plugin's exec. */
  Exec add(SimHost host, Map<String, Object> conflist, String containerId, String netns, String ifname,
      Map<String, Object> runtimeValues) throws IOException, InterruptedException {
    Map<String, Object> prev = null;
    Exec last = null;
    for (Map<String, Object> plugin : plugins(conflist)) {
      last = exec(host, (String) plugin.get("type"), "ADD", containerId, netns, ifname,
          Json.write(pluginConf(conflist, plugin, prev, runtimeValues)), Map.of());
      if (last.exit() != 0) {
        return last;
      }
      prev = last.json();
    }
    return last;
  }

  /** CHECK (in order) or DEL (in reverse) of a conflist with the cached ADD result; the first failure, else ok. */
  Exec run(String command, SimHost host, Map<String, Object> conflist, String containerId, String netns,
      String ifname, Map<String, Object> cached, Map<String, Object> runtimeValues)
      throws IOException, InterruptedException {
    List<Map<String, Object>> plugins = new ArrayList<>(plugins(conflist));
    if (command.equals("DEL")) {
      java.util.Collections.reverse(plugins);
    }
    Exec last = new Exec(0, "", "");
    for (Map<String, Object> plugin : plugins) {
      Exec e = exec(host, (String) plugin.get("type"), command, containerId, netns, ifname,
          Json.write(pluginConf(conflist, plugin, cached, runtimeValues)), Map.of());
      if (e.exit() != 0) {
        return e;
      }
      last = e;
    }
    return last;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> plugins(Map<String, Object> conflist) {
    return (List<Map<String, Object>>) conflist.get("plugins");
  }

  /** A plugin's entry with name and cniVersion from the list, prevResult, and runtimeConfig for its capabilities. */
  static Map<String, Object> pluginConf(Map<String, Object> conflist, Map<String, Object> plugin,
      Map<String, Object> prev, Map<String, Object> runtimeValues) {
    Map<String, Object> c = new LinkedHashMap<>(plugin);
    c.put("cniVersion", conflist.get("cniVersion"));
    c.put("name", conflist.get("name"));
    if (prev != null) {
      c.put("prevResult", prev);
    }
    if (plugin.get("capabilities") instanceof Map<?, ?> caps) {
      Map<String, Object> rc = new LinkedHashMap<>();
      caps.forEach((k, v) -> {
        if (Boolean.TRUE.equals(v) && runtimeValues.containsKey(k)) {
          rc.put((String) k, runtimeValues.get(k));
        }
      });
      if (!rc.isEmpty()) {
        c.put("runtimeConfig", rc);
      }
    }
    return c;
  }
}
