package io.switchboard.controller.rest;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names a request may carry in {@code Host} (and a mutation in {@code Origin}): the listen address's own
 * names, {@code localhost}, {@code 127.0.0.1} and {@code [::1]} on a loopback listener, every local address on a
 * wildcard one, and {@code rest.allowed-hosts}. A page that DNS-rebinds its own name to this host still sends its
 * own name, and is refused.
 */
final class AllowedHosts {
  private final Set<String> hostPorts = new TreeSet<>();
  private final boolean any;
  private final String scheme;
  private final int port;

  /**
   * @param listenHost the configured listen host; {@code port} the actual port
   * @param extra      rest.allowed-hosts items: name, name:port, [v6]:port or "*"
   */
  AllowedHosts(String listenHost, int port, boolean tls, List<String> extra) {
    this.port = port;
    this.scheme = tls ? "https" : "http";
    this.any = extra.contains("*");
    Set<String> names = new TreeSet<>();
    names.add(bracket(listenHost.toLowerCase(Locale.ROOT)));
    try {
      InetAddress a = InetAddress.getByName(listenHost);
      if (a.isLoopbackAddress()) {
        names.addAll(List.of("localhost", "127.0.0.1", "[::1]"));
      } else if (a.isAnyLocalAddress()) {
        names.addAll(List.of("localhost", "127.0.0.1", "[::1]"));
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
          for (InetAddress ia : Collections.list(nif.getInetAddresses())) {
            names.add(literal(ia));
          }
        }
        try {
          names.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException e) {
          // no host name: the addresses still work
        }
      } else {
        names.add(literal(a));
      }
    } catch (UnknownHostException | SocketException e) {
      // the listen name itself is still allowed
    }
    for (String n : names) {
      hostPorts.add(n + ":" + port);
    }
    for (String e : extra) {
      if (!e.equals("*")) {
        hostPorts.add(hasPort(e) ? e : e + ":" + port);
      }
    }
  }

  String scheme() {
    return scheme;
  }

  /** The allowed {@code host:port} pairs, for the docs and error messages. */
  Set<String> hostPorts() {
    return Collections.unmodifiableSet(hostPorts);
  }

  /** A {@code Host} header value: {@code name}, {@code name:port} or {@code [v6]:port}. */
  boolean allowsHost(String hostHeader) {
    if (any) {
      return true;
    }
    String h = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (!hasPort(h)) {
      h = h + ":" + (scheme.equals("https") ? 443 : 80);
    }
    return hostPorts.contains(h);
  }

  /** An {@code Origin} header: same scheme as this server and an allowed host and port; "null" never. */
  boolean allowsOrigin(String origin) {
    try {
      URI u = new URI(origin.trim());
      if (u.getScheme() == null || u.getHost() == null || u.getRawPath() != null && !u.getRawPath().isEmpty()
          && !u.getRawPath().equals("/")) {
        return false;
      }
      if (!u.getScheme().equalsIgnoreCase(scheme)) {
        return false;
      }
      int p = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
      return any || hostPorts.contains(u.getHost().toLowerCase(Locale.ROOT) + ":" + p);
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static boolean hasPort(String hostPort) {
    int close = hostPort.lastIndexOf(']');
    int colon = hostPort.lastIndexOf(':');
    return hostPort.startsWith("[") ? colon > close : colon > 0;
  }

  private static String literal(InetAddress a) {
    String s = a.getHostAddress();
    if (a instanceof Inet6Address) {
      int zone = s.indexOf('%');
      s = zone >= 0 ? s.substring(0, zone) : s;
      try {
        s = InetAddress.getByName(s).getHostAddress(); // canonical, compressed when the JDK does
      } catch (UnknownHostException e) {
        // keep as is
      }
      return "[" + compress(s) + "]";
    }
    return s;
  }

  private static String bracket(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + compress(host) + "]" : host;
  }

  /** 0:0:0:0:0:0:0:1 -> ::1 (the longest run of zero groups), as browsers write IPv6 in Host. */
  static String compress(String v6) {
    if (v6.contains("::") || v6.contains(".")) {
      return v6;
    }
    String[] g = v6.split(":");
    if (g.length != 8) {
      return v6;
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i].replaceFirst("^0+", "").isEmpty()) {
        int j = i;
        while (j < 8 && g[j].replaceFirst("^0+", "").isEmpty()) {
          j++;
        }
        if (j - i > bestLen && j - i > 1) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append(i == 0 ? "::" : ":");
        i += bestLen - 1;
        continue;
      }
      sb.append(g[i].replaceFirst("^0+(?=.)", ""));
      if (i < 7) {
        sb.append(':');
      }
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }
}
