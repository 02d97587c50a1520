package io.switchboard.config;

import java.util.Objects;

/** A listen or peer address; IPv6 hosts are written in brackets: {@code [::1]:6653}. Port 0 means "any free port". */
public record HostPort(String host, int port) {

  public static final String EXPECTED = "host:port, e.g. 0.0.0.0:6653";

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  public static HostPort parse(String text) {
    String t = text.trim();
    String host;
    String portText;
    if (t.startsWith("[")) {
      int close = t.indexOf("]:");
      if (close < 0) {
        throw Values.expected(EXPECTED, text);
      }
      host = t.substring(1, close);
      portText = t.substring(close + 2);
      if (!host.matches("[0-9A-Fa-f:.]+") || !host.contains(":")) {
        throw Values.expected(EXPECTED, text, "bad IPv6 address");
      }
    } else {
      int colon = t.lastIndexOf(':');
      if (colon < 0) {
        throw Values.expected(EXPECTED, text, "no port");
      }
      if (t.indexOf(':') != colon) {
        throw Values.expected(EXPECTED + " (IPv6 in brackets: [::1]:6653)", text);
      }
      host = t.substring(0, colon);
      portText = t.substring(colon + 1);
      if (!host.matches("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")) {
        throw Values.expected(EXPECTED, text, "bad host");
      }
    }
    if (!portText.matches("\\d{1,5}") || Integer.parseInt(portText) > 65535) {
      throw Values.expected(EXPECTED, text, "port must be 0-65535");
    }
    return new HostPort(host, Integer.parseInt(portText));
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
