package io.switchboard.apps.overlay;

import io.switchboard.apps.overlay.config.DhcpSettings;
import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import io.switchboard.config.MacAddress;
import io.switchboard.apps.overlay.config.OverlayEndpoint;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.controller.spi.Action;
import io.switchboard.controller.spi.AppContext;
import io.switchboard.controller.spi.KeyValueStore;
import io.switchboard.controller.spi.PacketIn;
import io.switchboard.controller.spi.SwitchView;
import io.switchboard.controller.spi.Values;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCP server of networks with {@code dhcp} on, answering in the controller what the classify entries send up
 * (OVN's {@code put_dhcp_opts}, done in the controller). It never invents an address: the one offered is always
 * the endpoint's own, static or allocated, so port security stays exact. The server id, server MAC and router
 * are the network's gateway.
 *
 * <p>DISCOVER gets an OFFER; REQUEST an ACK for the endpoint's address and a NAK for any other (a REQUEST naming
 * another server is left alone); RELEASE and DECLINE drop the lease; INFORM gets an ACK with the options only.
 * Anything malformed, from a port over its budget, or whose client hardware address is not the frame's source is
 * counted in {@code switchboard_dhcp_dropped_total{reason}}, logged once per window, and not answered.
 */
final class DhcpServer {
  static final String MESSAGES = "switchboard_dhcp_messages_total";
  static final String DROPPED = "switchboard_dhcp_dropped_total";
  private static final Logger log = LoggerFactory.getLogger(DhcpServer.class);

  /** A reply, or none ({@code frame} empty): what a message was answered with, for the metrics. */
  record Answer(String answer, Optional<byte[]> frame) {
    static Answer none(String why) {
      return new Answer(why, Optional.empty());
    }
  }

  private final KeyValueStore<String, DhcpLease> leases;
  private final LongSupplier clock;
  private final DhcpGuard guard;

  DhcpServer(KeyValueStore<String, DhcpLease> leases, LongSupplier clockMillis, DhcpGuard guard) {
    this.leases = leases;
    this.clock = clockMillis;
    this.guard = guard;
  }

  KeyValueStore<String, DhcpLease> leases() {
    return leases;
  }

  /**
   * A packet-in from a classify entry of the overlay: a client's DHCP message from an endpoint's port. Answers
   * it with a packet-out through the same port, or counts why not.
   */
  void onPacketIn(OverlayTopology topo, SwitchView sw, PacketIn in, AppContext ctx) {
    Optional<OverlayEndpoint> ep = topo.hostOf(sw).flatMap(h -> sw.port(in.inPort())
        .flatMap(p -> topo.endpointAt(h.name(), p.name())));
    Optional<OverlayNetwork> net = ep.flatMap(e -> topo.network(e.network()));
    try {
      if (ep.isEmpty() || net.isEmpty() || net.get().dhcpEnabled().isEmpty()) {
        throw new DhcpException("unknown-client", "no endpoint with DHCP on port " + in.inPort());
      }
      if (!guard.admit(sw.dpid(), in.inPort())) {
        throw new DhcpException("rate-limit", "over " + (int) DhcpGuard.RATE_PER_SECOND + " messages/s (burst "
            + DhcpGuard.BURST + ")");
      }
      DhcpFrames.Request req = DhcpFrames.parse(in.data());
      DhcpMessage m = DhcpMessage.parse(req.payload());
      Answer a = answer(net.get(), ep.get(), req, m);
      ctx.increment(MESSAGES, "type", DhcpMessage.typeName(m.type()), "answer", a.answer());
      a.frame().ifPresent(f -> ctx.packetOut(sw.dpid(), in.inPort(), List.of(Action.output(Action.PORT_IN_PORT)),
          f));
    } catch (DhcpException e) {
      ctx.increment(DROPPED, "reason", e.reason());
      long quiet = guard.shouldLog(e.reason(), sw.dpid(), in.inPort());
      if (quiet >= 0) {
        log.warn("switch {}: DHCP from port {}{} dropped ({}): {}{}", Values.dpid(sw.dpid()), in.inPort(),
            ep.map(x -> " (endpoint " + x.name() + ")").orElse(""), e.reason(), e.getMessage(),
            quiet > 0 ? "; " + quiet + " more drops of this kind since the last line" : "");
      }
    }
  }

  /** The reply to one well-formed message from endpoint {@code e}. */
  Answer answer(OverlayNetwork n, OverlayEndpoint e, DhcpFrames.Request req, DhcpMessage m) throws DhcpException {
    if (m.op() != DhcpMessage.BOOTREQUEST) {
      throw new DhcpException("not-a-request", "BOOTP op " + m.op() + " from a client");
    }
    if (m.chaddr() != req.ethSrc()) {
      throw new DhcpException("chaddr-mismatch", "client hardware address " + new MacAddress(m.chaddr())
          + " is not the frame's source " + new MacAddress(req.ethSrc()));
    }
    DhcpSettings d = n.dhcpEnabled().orElseThrow();
    int gw = n.gateway().orElseThrow();
    switch (m.type()) {
      case DhcpMessage.DISCOVER:
        return reply(n, d, e, m, DhcpMessage.OFFER, "offer");
      case DhcpMessage.REQUEST: {
        if (m.has(DhcpMessage.OPT_SERVER_ID) && m.address(DhcpMessage.OPT_SERVER_ID) != gw) {
          return Answer.none("other-server");
        }
        int wanted = m.has(DhcpMessage.OPT_REQUESTED_IP) ? m.address(DhcpMessage.OPT_REQUESTED_IP) : m.ciaddr();
        if (wanted != e.ip()) {
          log.info("DHCP: endpoint {} asked for {}, its address is {}: NAK", e.name(), Ipv4.format(wanted),
              e.ipText());
          return nak(n, m);
        }
        leases.put(e.name(), new DhcpLease(e.name(), n.name(), e.ipText(), e.mac().toString(), m.hostname(),
            clock.getAsLong() + d.leaseTime().toMillis()));
        return reply(n, d, e, m, DhcpMessage.ACK, "ack");
      }
      case DhcpMessage.RELEASE:
        leases.remove(e.name());
        return Answer.none("released");
      case DhcpMessage.DECLINE:
        leases.remove(e.name());
        log.warn("DHCP: endpoint {} declined {}: something else in network {} answers for it", e.name(),
            e.ipText(), n.name());
        return Answer.none("declined");
      case DhcpMessage.INFORM:
        return reply(n, d, e, m, DhcpMessage.ACK, "ack");
      default:
        throw new DhcpException("unexpected-type", "a client sent a " + DhcpMessage.typeName(m.type())
            + " (type " + m.type() + ")");
    }
  }

  private Answer reply(OverlayNetwork n, DhcpSettings d, OverlayEndpoint e, DhcpMessage m, int type,
      String answer) {
    int gw = n.gateway().orElseThrow();
    boolean inform = m.type() == DhcpMessage.INFORM;
    Ipv4Prefix subnet = n.subnet();
    Map<Integer, byte[]> o = new LinkedHashMap<>();
    o.put(DhcpMessage.OPT_MESSAGE_TYPE, new byte[] {(byte) type});
    o.put(DhcpMessage.OPT_SERVER_ID, ip(gw));
    if (!inform) {
      long lease = d.leaseTime().toSeconds();
      o.put(DhcpMessage.OPT_LEASE_TIME, ip((int) lease));
      o.put(DhcpMessage.OPT_RENEWAL_TIME, ip((int) (lease / 2)));
      o.put(DhcpMessage.OPT_REBINDING_TIME, ip((int) (lease * 7 / 8)));
    }
    o.put(DhcpMessage.OPT_SUBNET_MASK, ip(subnet.mask()));
    o.put(DhcpMessage.OPT_BROADCAST, ip(subnet.lastAddress()));
    o.put(DhcpMessage.OPT_ROUTER, ip(gw));
    if (!d.dns().isEmpty()) {
      ByteBuffer dns = ByteBuffer.allocate(4 * d.dns().size());
      d.dns().forEach(dns::putInt);
      o.put(DhcpMessage.OPT_DNS, dns.array());
    }
    d.domain().ifPresent(x -> o.put(DhcpMessage.OPT_DOMAIN, x.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    o.put(DhcpMessage.OPT_MTU, new byte[] {(byte) (d.mtu() >> 8), (byte) d.mtu()});
    if (!d.routes().isEmpty()) {
      o.put(DhcpMessage.OPT_CLASSLESS_ROUTES, classlessRoutes(d.routes(), gw));
    }
    int yiaddr = inform ? 0 : e.ip();
    DhcpMessage out = new DhcpMessage(DhcpMessage.BOOTREPLY, m.xid(), 0, m.flags(), m.ciaddr(), yiaddr, m.giaddr(),
        m.chaddr(), o);
    long gwMac = GatewayMac.of(gw);
    byte[] frame;
    if (m.ciaddr() != 0) {
      frame = DhcpFrames.build(m.chaddr(), gwMac, gw, m.ciaddr(), out.encode());
    } else if ((m.flags() & DhcpMessage.FLAG_BROADCAST) != 0) {
      frame = DhcpFrames.build(DhcpFrames.BROADCAST_MAC, gwMac, gw, DhcpFrames.BROADCAST_IP, out.encode());
    } else {
      frame = DhcpFrames.build(m.chaddr(), gwMac, gw, yiaddr, out.encode());
    }
    return new Answer(answer, Optional.of(frame));
  }

  private static Answer nak(OverlayNetwork n, DhcpMessage m) {
    int gw = n.gateway().orElseThrow();
    Map<Integer, byte[]> o = new LinkedHashMap<>();
    o.put(DhcpMessage.OPT_MESSAGE_TYPE, new byte[] {(byte) DhcpMessage.NAK});
    o.put(DhcpMessage.OPT_SERVER_ID, ip(gw));
    o.put(DhcpMessage.OPT_MESSAGE, "requested address is not this client's".getBytes(
        java.nio.charset.StandardCharsets.US_ASCII));
    DhcpMessage out = new DhcpMessage(DhcpMessage.BOOTREPLY, m.xid(), 0, m.flags() | DhcpMessage.FLAG_BROADCAST, 0, 0,
        m.giaddr(), m.chaddr(), o);
    return new Answer("nak", Optional.of(DhcpFrames.build(DhcpFrames.BROADCAST_MAC, GatewayMac.of(gw), gw,
        DhcpFrames.BROADCAST_IP, out.encode())));
  }

  /**
   * Option 121 (RFC 3442): each route as its prefix length, the prefix's significant octets and the router. A
   * client that takes option 121 ignores option 3, so the default route through the gateway is added unless a
   * route to 0.0.0.0/0 is configured.
   */
  static byte[] classlessRoutes(List<DhcpSettings.Route> routes, int gateway) {
    List<DhcpSettings.Route> all = new ArrayList<>(routes);
    if (all.stream().noneMatch(r -> r.prefix().length() == 0)) {
      all.add(new DhcpSettings.Route(new Ipv4Prefix(0, 0), gateway));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (DhcpSettings.Route r : all) {
      int len = r.prefix().length();
      out.write(len);
      byte[] dst = ip(r.prefix().address());
      out.write(dst, 0, (len + 7) / 8);
      out.writeBytes(ip(r.via()));
    }
    return out.toByteArray();
  }

  private static byte[] ip(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }
}
