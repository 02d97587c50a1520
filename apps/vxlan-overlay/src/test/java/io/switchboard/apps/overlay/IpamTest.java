package io.switchboard.apps.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.IpRange;
import io.switchboard.config.Ipv4;
import io.switchboard.config.Ipv4Prefix;
import io.switchboard.apps.overlay.config.OverlayNetwork;
import io.switchboard.controller.spi.ApiException;
import io.switchboard.controller.store.InMemoryStoreFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Address allocation through a shared store: exclusions, a full subnet, stability, and two allocators racing. */
class IpamTest {
  private final InMemoryStoreFactory stores = new InMemoryStoreFactory();

  private static OverlayNetwork net(String subnet, String gateway, String... exclude) {
    List<IpRange> ex = new ArrayList<>();
    for (String e : exclude) {
      ex.add(IpRange.parse(e));
    }
    return new OverlayNetwork("net1", 100, Ipv4Prefix.parse(subnet), OptionalInt.of(Ipv4.parse(gateway)), ex,
        Optional.empty());
  }

  private static String text(int ip) {
    return Ipv4.format(ip);
  }

  @Test
  void theLowestFreeAddressSkippingNetworkGatewayExclusionsAndStatics() {
    OverlayNetwork n = net("192.168.1.0/24", "192.168.1.1", "192.168.1.2", "192.168.1.4..192.168.1.9");
    Ipam ipam = new Ipam(stores);
    Set<Integer> statics = Set.of(Ipv4.parse("192.168.1.3"));
    assertEquals("192.168.1.10", text(ipam.allocate(n, "a", statics::contains)));
    assertEquals("192.168.1.11", text(ipam.allocate(n, "b", statics::contains)));
    assertEquals(Optional.of("a"), ipam.holder("net1", Ipv4.parse("192.168.1.10")));
    assertEquals(Map.of("a", new Ipam.Assignment("net1", Ipv4.parse("192.168.1.10")),
        "b", new Ipam.Assignment("net1", Ipv4.parse("192.168.1.11"))), ipam.assignments());
  }

  @Test
  void anEndpointKeepsItsAddressAndAnotherInstanceSeesTheSame() {
    OverlayNetwork n = net("10.0.0.0/24", "10.0.0.1");
    Ipam one = new Ipam(stores);
    int a = one.allocate(n, "a", x -> false);
    one.allocate(n, "b", x -> false);
    assertEquals(a, one.allocate(n, "a", x -> false), "asked again: the same address");
    Ipam other = new Ipam(stores); // a restarted or second instance on the replicated store
    assertEquals(a, other.allocate(n, "a", x -> false));
    one.release("a");
    assertEquals(Optional.empty(), other.holder("net1", a), "released: free again");
    assertEquals(a, other.allocate(n, "c", x -> false), "and the next endpoint takes it");
  }

  @Test
  void anAddressThatBecameInvalidIsReplaced() {
    Ipam ipam = new Ipam(stores);
    int first = ipam.allocate(net("10.0.0.0/24", "10.0.0.1"), "a", x -> false);
    assertEquals("10.0.0.2", text(first));
    OverlayNetwork excluded = net("10.0.0.0/24", "10.0.0.1", "10.0.0.2");
    assertEquals("10.0.0.3", text(ipam.allocate(excluded, "a", x -> false)), "exclude-ips now lists it");
    assertEquals(Optional.empty(), ipam.holder("net1", first), "the old claim is given back");
    assertEquals("10.0.0.4", text(ipam.allocate(excluded, "a", x -> x == Ipv4.parse("10.0.0.3"))),
        "a static endpoint now has it");
  }

  @Test
  void aFullSubnetIsA409NamingIt() {
    OverlayNetwork n = net("10.0.0.0/29", "10.0.0.1", "10.0.0.2..10.0.0.4");
    Ipam ipam = new Ipam(stores);
    assertEquals("10.0.0.5", text(ipam.allocate(n, "a", x -> false)));
    assertEquals("10.0.0.6", text(ipam.allocate(n, "b", x -> false)));
    ApiException full = assertThrows(ApiException.class, () -> ipam.allocate(n, "c", x -> false));
    assertEquals(409, full.status());
    assertTrue(full.getMessage().contains("no free address in network net1's subnet 10.0.0.0/29"), full.getMessage());
    assertTrue(full.getMessage().contains("10.0.0.2..10.0.0.4"), full.getMessage());
  }

  @Test
  void aStaticClaimNamesTheHolder() {
    OverlayNetwork n = net("10.0.0.0/24", "10.0.0.1");
    Ipam ipam = new Ipam(stores);
    int a = ipam.allocate(n, "dyn", x -> false);
    assertEquals(Optional.of("dyn"), ipam.claim(n, a, "static1"));
    assertEquals(Optional.empty(), ipam.claim(n, Ipv4.parse("10.0.0.50"), "static1"));
    assertNotEquals(Ipv4.parse("10.0.0.50"), ipam.allocate(n, "dyn2", x -> false), "claimed addresses are skipped");
  }

  @Test
  void twoAllocatorsOnOneStoreNeverHandOutAnAddressTwice() throws Exception {
    OverlayNetwork n = net("10.1.0.0/22", "10.1.0.1");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 20; round++) {
        InMemoryStoreFactory shared = new InMemoryStoreFactory();
        Ipam[] instances = {new Ipam(shared), new Ipam(shared)};
        CountDownLatch go = new CountDownLatch(1);
        Map<String, Integer> got = new ConcurrentHashMap<>();
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          Ipam ipam = instances[t % 2];
          int first = t;
          jobs.add(pool.submit(() -> {
            go.await();
            for (int e = 0; e < 50; e++) {
              // every endpoint is allocated by both instances at once, as after a failover or a reload
              String name = "ep" + ((e + first) % 50);
              int ip = ipam.allocate(n, name, x -> false);
              Integer before = got.putIfAbsent(name, ip);
              assertTrue(before == null || before == ip, name + " got two addresses");
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> j : jobs) {
          j.get();
        }
        assertEquals(50, got.size());
        assertEquals(50, new HashSet<>(got.values()).size(), "no address handed out twice");
        assertEquals(50, shared.<String, String>map(Ipam.ADDRESSES).snapshot().size(), "no stray claims left");
        got.forEach((name, ip) -> assertEquals(Optional.of(name), instances[0].holder("net1", ip)));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
