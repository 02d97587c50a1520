package io.switchboard.controller.testing;

import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The last lines this JVM logged at INFO and above (the controller's log, in an end-to-end test), kept while an
 * {@link EndToEnd} class runs. Only with logback as the slf4j binding (the apps' and the controller's tests);
 * elsewhere {@link #attach} returns null and the diagnostics go without.
 */
abstract class LogTail {
  static final int LINES = 60;

  static LogTail attach() {
    if (!"ch.qos.logback.classic.LoggerContext".equals(LoggerFactory.getILoggerFactory().getClass().getName())) {
      return null;
    }
    return LogbackTail.attach(LINES);
  }

  abstract List<String> lines();

  abstract void detach();
}
