package io.switchboard.controller.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * {@link LogTail} over logback: an appender on the root logger keeping the last lines in a bounded ring, INFO and
 * above, without the test bed's own command trace.
 */
final class LogbackTail extends LogTail {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private final Logger root;
  private final Ring ring;

  private LogbackTail(Logger root, Ring ring) {
    this.root = root;
    this.ring = ring;
  }

  static LogbackTail attach(int lines) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Ring ring = new Ring(lines);
    ring.setContext(ctx);
    ring.setName("end-to-end-tail");
    ring.start();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(ring);
    return new LogbackTail(root, ring);
  }

  @Override
  List<String> lines() {
    return ring.lines();
  }

  @Override
  void detach() {
    root.detachAppender(ring);
    ring.stop();
  }

  private static final class Ring extends AppenderBase<ILoggingEvent> {
    private final int max;
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    Ring(int max) {
      this.max = max;
    }

    @Override
    protected void append(ILoggingEvent e) {
      if (!e.getLevel().isGreaterOrEqual(Level.INFO) || e.getLoggerName().startsWith("io.switchboard.testbed")) {
        return; // the controller's story, not libraries' debug output or the bed's command trace
      }
      StringBuilder sb = new StringBuilder(TIME.format(Instant.ofEpochMilli(e.getTimeStamp()))).append(' ')
          .append(e.getLevel()).append(" [").append(e.getThreadName()).append("] ")
          .append(e.getLoggerName().substring(e.getLoggerName().lastIndexOf('.') + 1)).append(" - ")
          .append(e.getFormattedMessage());
      IThrowableProxy t = e.getThrowableProxy();
      if (t != null) {
        sb.append(" (").append(t.getClassName()).append(": ").append(t.getMessage()).append(')');
      }
      synchronized (lines) {
        if (lines.size() == max) {
          lines.removeFirst();
        }
        lines.addLast(sb.toString());
      }
    }

    List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }
  }
}
