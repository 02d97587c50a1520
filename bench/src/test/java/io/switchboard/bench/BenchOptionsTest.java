package io.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFVersion;

class BenchOptionsTest {
  @Test
  void parsesTheDocumentedOptions() {
    BenchOptions o = BenchOptions.parse("--controller", "127.0.0.1:6653", "--switches", "64", "--macs", "1000",
        "--mode", "throughput", "--loops", "3", "--loop-seconds", "2.5", "--warmup", "1", "--of", "1.0",
        "--window", "32", "--buffered", "--self-warmup", "0.5");
    assertEquals("127.0.0.1", o.host());
    assertEquals(6653, o.port());
    assertEquals(64, o.switches());
    assertEquals(1000, o.macs());
    assertEquals(BenchOptions.Mode.THROUGHPUT, o.mode());
    assertEquals(3, o.loops());
    assertEquals(Duration.ofMillis(2500), o.loopTime());
    assertEquals(OFVersion.OF_10, o.version());
    assertEquals(32, o.window());
    assertTrue(o.buffered());
    assertEquals(Duration.ofMillis(500), o.selfWarmup());
    assertEquals(Duration.ofSeconds(3), BenchOptions.parse("--controller", "localhost:1").selfWarmup());
  }

  @Test
  void latencyModeKeepsOnePacketInFlight() {
    assertEquals(1, BenchOptions.parse("--controller", "localhost:1", "--mode", "latency", "--window", "50").window());
  }

  @Test
  void badValuesAreRefusedWithTheOptionNamed() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> BenchOptions.parse("--controller", "127.0.0.1:6653", "--of", "1.1"));
    assertTrue(e.getMessage().contains("--of"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--switches", "4"));
    assertTrue(e.getMessage().contains("--controller"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> BenchOptions.parse("--controller", "127.0.0.1:6653", "--macs", "1"));
    assertTrue(e.getMessage().contains("--macs"), e.getMessage());
  }

  @Test
  void onlyLoopbackControllersAreLoaded() {
    LoadGenerator.requireLoopback("127.0.0.1");
    LoadGenerator.requireLoopback("localhost");
    assertThrows(IllegalArgumentException.class, () -> LoadGenerator.requireLoopback("192.0.2.1"));
  }
}
