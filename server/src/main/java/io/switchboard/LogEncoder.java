package io.switchboard;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * The log's one encoder: {@code format} plain (the {@code pattern}) or json ({@link JsonLinesEncoder}), chosen when
 * logging starts (logback.xml passes {@code switchboard.log.format}, which Main sets). One appender with a chosen
 * encoder rather than two appenders, one of them unused, which logback would warn about on every start.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {
  private String format = "plain";
  private String pattern = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";
  private Encoder<ILoggingEvent> delegate;

  public void setFormat(String format) {
    this.format = format;
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public void start() {
    if ("json".equals(format)) {
      delegate = new JsonLinesEncoder();
    } else {
      if (!"plain".equals(format)) {
        addWarn("log format '" + format + "' is neither plain nor json; plain it is");
      }
      PatternLayoutEncoder p = new PatternLayoutEncoder();
      p.setPattern(pattern);
      delegate = p;
    }
    delegate.setContext(getContext());
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) {
      delegate.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }
}
