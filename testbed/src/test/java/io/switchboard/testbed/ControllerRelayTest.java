package io.switchboard.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OVS inside a host namespace reaches a controller on the root namespace's 127.0.0.1. */
class ControllerRelayTest {
  private static TestBed bed;

  @BeforeAll
  static void setUp() {
    bed = TestBed.create("tbr1");
  }

  @AfterAll
  static void tearDown() {
    if (bed != null) {
      bed.close();
    }
  }

  /** Reads one OpenFlow header and checks it is a HELLO; returns the version OVS offered. */
  private static int expectHello(Socket s) throws IOException {
    s.setSoTimeout(10_000);
    DataInputStream in = new DataInputStream(s.getInputStream());
    int version = in.readUnsignedByte();
    int type = in.readUnsignedByte();
    int length = in.readUnsignedShort();
    in.readInt(); // xid
    in.skipNBytes(length - 8);
    assertTrue(version >= 0x01 && version <= 0x06, "OpenFlow version byte " + version);
    assertEquals(0, type, "first message must be OFPT_HELLO");
    return version;
  }

  private static void sendHello(Socket s, int version) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(new byte[] {(byte) version, 0, 0, 8, 0, 0, 0, 1});
    out.flush();
  }

  @Test
  void bridgeConnectsThroughTheRelayAndReconnects() throws Exception {
    SimHost h1 = bed.host("h1");
    Bridge br = h1.addBridge("br0", 0x42L);
    try (ServerSocket controller = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      controller.setSoTimeout(10_000);
      br.setController(controller.getLocalPort());
      try (Socket s = controller.accept()) {
        int version = expectHello(s);
        assertEquals(0x06, version, "OVS offers its highest enabled version (1.5)");
        sendHello(s, 0x04);
        assertTrue(br.awaitConnected(Duration.ofSeconds(5)), br.controllerConnections().toString());
      }
      // the controller dropped the connection: OVS is back within max_backoff (1 s) plus slack
      long start = System.nanoTime();
      try (Socket s = controller.accept()) {
        expectHello(s);
      }
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 5000);
    }
  }

  @Test
  void twoHostsAndTwoControllersShareRelays() throws Exception {
    SimHost h2 = bed.host("h2");
    SimHost h3 = bed.host("h3");
    try (ServerSocket c1 = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        ServerSocket c2 = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      c1.setSoTimeout(10_000);
      c2.setSoTimeout(10_000);
      h2.addBridge("br0").setController(c1.getLocalPort(), c2.getLocalPort());
      h3.addBridge("br0").setController(c1.getLocalPort());
      try (Socket a = c1.accept(); Socket b = c1.accept(); Socket c = c2.accept()) {
        expectHello(a);
        expectHello(b);
        expectHello(c);
      }
      assertEquals(2, h2.bridge("br0").controllerConnections().size());
    }
  }
}
