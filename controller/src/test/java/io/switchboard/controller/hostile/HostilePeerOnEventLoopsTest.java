package io.switchboard.controller.hostile;

/**
 * {@link HostilePeerTest}'s offenders again, with an app that says it never blocks: each bridge's work then runs on
 * its connection's event loop, and every bound (inbox high-water, outbound bytes, write stall, multipart, handshakes)
 * must hold there too, with the good switch served.
 */
class HostilePeerOnEventLoopsTest extends HostilePeerTest {
  @Override
  boolean onEventLoops() {
    return true;
  }
}
