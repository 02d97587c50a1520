package io.switchboard.bench;

/**
 * The hosts behind one emulated switch: host {@code h} has MAC {@code 02:SS:SS:HH:HH:HH} (switch index, host
 * index), an address in 198.18.0.0/15 (the range RFC 2544 reserves for benchmarks; it only ever appears inside
 * packet-in payloads) and sits on port {@code 1 + h % ports}. The first {@code ports} hosts, one per port, are
 * announced before the test, so a learning controller knows them: they are the destinations. Test packets come
 * from every host in turn (with many hosts, from sources the controller has never seen, as cbench's do) and go to
 * an announced host on another port: round after round, each source to the next of its {@code destinations}
 * (cbench's switches send everything to one destination MAC, so a source is one pair; with 63, the most, a
 * learning controller sees 63 pairs a source).
 */
public final class Hosts {
  /** At most this many ports per switch; more hosts share ports. */
  public static final int MAX_PORTS = 64;
  /** Host indexes are 24 bits (the low half of the MAC). */
  public static final int MAX_HOSTS = 1 << 24;

  private final int switchIndex;
  private final int count;
  private final int ports;
  private final int destinations;

  /** Every source sends to every announced host on another port, in turn. */
  public Hosts(int switchIndex, int count) {
    this(switchIndex, count, MAX_PORTS - 1);
  }

  /** @param destinations how many announced hosts each source sends to, in turn (at most one per other port) */
  public Hosts(int switchIndex, int count, int destinations) {
    if (switchIndex < 0 || switchIndex > 0xffff) {
      throw new IllegalArgumentException("switch index out of range: " + switchIndex);
    }
    if (count < 2 || count > MAX_HOSTS) {
      throw new IllegalArgumentException("hosts per switch must be 2.." + MAX_HOSTS + ": " + count);
    }
    this.switchIndex = switchIndex;
    this.count = count;
    if (destinations < 1) {
      throw new IllegalArgumentException("destinations per source must be at least 1: " + destinations);
    }
    this.ports = Math.min(count, MAX_PORTS);
    this.destinations = Math.min(destinations, ports - 1);
  }

  public int count() {
    return count;
  }

  public int ports() {
    return ports;
  }

  public long mac(int host) {
    return (0x02L << 40) | ((long) switchIndex << 24) | host;
  }

  public int ipv4(int host) {
    return ((198 << 24) | (18 << 16)) + host % (1 << 17); // 198.18.0.0 - 198.19.255.255
  }

  public int port(int host) {
    return 1 + host % ports;
  }

  /** The host a MAC belongs to, or -1 when it is not one of this switch's hosts. */
  public int hostOf(long mac) {
    if ((mac >>> 40) != 0x02L || ((mac >>> 24) & 0xffff) != switchIndex) {
      return -1;
    }
    int host = (int) (mac & 0xffffff);
    return host < count ? host : -1;
  }

  /**
   * The source host of the k-th test packet: the hosts that were not announced come first, so that with many
   * hosts every packet-in of a short run comes from a host the controller has not seen yet.
   */
  public int source(long k) {
    return (int) ((k + ports) % count);
  }

  /** How many hosts are announced before the test: one per port, hosts 0 .. ports-1. */
  public int announced() {
    return ports;
  }

  /** The destination of the k-th test packet: an announced host on another port than the source's. */
  public int destination(long k) {
    int srcPort = source(k) % ports;      // hosts 0..ports-1 sit on ports 1..ports
    long round = k / count;
    return (int) ((srcPort + 1 + round % destinations) % ports);
  }
}
