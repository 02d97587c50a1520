package io.switchboard.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two hosts joined by the underlay; br-int on each carries a VXLAN port with a fixed remote. */
class VxlanUnderlayTest {
  private static TestBed bed;
  private static SimHost h1;
  private static SimHost h2;
  private static Container a;
  private static Container b;

  @BeforeAll
  static void setUp() {
    bed = TestBed.create("tbv1");
    h1 = bed.host("h1");
    h2 = bed.host("h2");
    bed.connectHosts("10.99.0.0/24", h1, h2);
    for (SimHost h : new SimHost[] {h1, h2}) {
      Bridge brInt = h.addBridge("br-int");
      brInt.addFlow("priority=0,actions=NORMAL");
    }
    h1.bridge("br-int").addVxlanPort("vx0", "10.99.0.2", "100");
    h2.bridge("br-int").addVxlanPort("vx0", "10.99.0.1", "100");
    a = bed.container(h1, "a", "br-int", "172.29.0.1/24", "02:00:00:29:00:01");
    b = bed.container(h2, "b", "br-int", "172.29.0.2/24", "02:00:00:29:00:02");
  }

  @AfterAll
  static void tearDown() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void underlayAddressesAreAssignedInOrder() {
    assertEquals("10.99.0.1", h1.underlayIp().orElseThrow());
    assertEquals("10.99.0.2", h2.underlayIp().orElseThrow());
    assertTrue(h1.run("ping", "-c", "1", "-W", "1", "10.99.0.2").ok());
  }

  @Test
  void containersOnTwoHostsPingAcrossTheTunnel() {
    assertTrue(a.canReachWithin(b.ip(), Duration.ofSeconds(3)));
    PingResult r = b.ping(a.ip(), 3, Duration.ofSeconds(1));
    assertTrue(r.allReceived(), r.output());
    String trace = h1.bridge("br-int").trace("in_port=a-eth,dl_src=" + a.mac() + ",dl_dst="
        + b.mac() + ",dl_type=0x0800,nw_src=" + a.ip() + ",nw_dst=" + b.ip());
    assertTrue(trace.contains("tnl_push"), trace);
    assertTrue(h1.bridge("br-int").portCounters().get("vx0").txPackets() > 0);
  }

  @Test
  void fullSizeFramesAndTcpCrossTheTunnel() {
    assertTrue(a.canReachWithin(b.ip(), Duration.ofSeconds(3)));
    CommandResult big = a.run("ping", "-c", "1", "-W", "2", "-M", "do", "-s", "1472", b.ip());
    assertTrue(big.ok(), big.output());
    try (BackgroundProcess server = b.spawn("socat", "TCP-LISTEN:7001,reuseaddr", "SYSTEM:wc -c")) {
      CommandResult r = a.run(Duration.ofSeconds(15), "sh", "-c",
          "head -c 500000 /dev/zero | socat -t 5 - TCP:" + b.ip() + ":7001,retry=50,interval=0.1");
      assertTrue(r.ok(), r.output());
      assertEquals("500000", r.stdout().trim(), server.output());
    }
  }
}
