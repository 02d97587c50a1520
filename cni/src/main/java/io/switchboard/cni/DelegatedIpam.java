package io.switchboard.cni;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config's {@code ipam} plugin, run the way a runtime runs a plugin: found in {@code CNI_PATH}, given the
 * runtime's environment with its own {@code CNI_COMMAND} and the network configuration on stdin.
 */
final class DelegatedIpam {
  private final NetConf conf;
  private final String cniPath;

  /** @param cniPath the runtime's {@code CNI_PATH} */
  DelegatedIpam(NetConf conf, String cniPath) {
    this.conf = conf;
    this.cniPath = cniPath;
  }

  /** Runs the config's IPAM plugin from CNI_PATH with the runtime's environment and the config on stdin. */
  Map<String, Object> run(String command) throws CniException {
    String type = String.valueOf(conf.ipam().orElseThrow().get("type"));
    String path = cniPath;
    Path exe = null;
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, type);
      if (!dir.isEmpty() && Files.isExecutable(p)) {
        exe = p;
        break;
      }
    }
    if (exe == null) {
      throw new CniException(CniException.INVALID_CONFIG, "ipam.type: no IPAM plugin '" + type + "' in CNI_PATH "
          + path);
    }
    Map<String, String> e = new LinkedHashMap<>();
    e.put("CNI_COMMAND", command);
    Exec.Result r = Exec.run(List.of(exe.toString()), e, Json.write(conf.raw()));
    if (!r.ok()) {
      String msg = r.err().strip();
      int code = CniException.COMMAND_FAILED;
      try {
        Map<String, Object> err = Json.parseObject(r.out());
        msg = err.get("msg") + (err.get("details") != null ? ": " + err.get("details") : "");
        if (err.get("code") instanceof Long c) {
          code = c.intValue();
        }
      } catch (IllegalArgumentException ignored) {
        // not an error object: stderr says it
      }
      throw new CniException(code, "IPAM plugin " + type + " " + command + " failed: " + msg);
    }
    if (!command.equals("ADD")) {
      return Map.of();
    }
    try {
      return Json.parseObject(r.out());
    } catch (IllegalArgumentException ex) {
      throw new CniException(CniException.DECODE_FAILURE, "IPAM plugin " + type + " printed no result",
          ex.getMessage());
    }
  }
}
