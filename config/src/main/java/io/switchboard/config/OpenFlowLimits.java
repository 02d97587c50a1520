package io.switchboard.config;

import java.time.Duration;

/**
 * What one switch (or one peer that claims to be one) may make the controller hold. Every bound is per
 * connection unless it says otherwise; each has a metric and a log line when hit (docs/limits.md lists them).
 *
 * @param maxConnections        OpenFlow connections open at once, handshaking or not (all peers together)
 * @param maxHandshakes         connections still in their handshake, all peers together
 * @param maxHandshakesPerSource connections still in their handshake from one IP address
 * @param handshakeTimeout      a connection that has not finished its handshake by then is closed
 * @param inboundQueue          messages read from a switch and not yet handled; at this depth the controller stops
 *                              reading from that switch (TCP pushes back) until its worker has caught up
 * @param inboundTotal          the same for all switches together: each switch gets an even share of it, and at
 *                              most {@code inboundQueue}, so what many busy switches make the controller hold does
 *                              not grow with their number
 * @param maxOutboundBytes      bytes queued towards a switch that does not read them; past this the switch is
 *                              disconnected
 * @param writeStallTimeout     a switch that stays behind what the controller writes (the channel unwritable) this
 *                              long is disconnected
 * @param maxMultipartBytes     bytes of one multipart reply (all its parts); past this the switch is disconnected
 * @param maxMultipartParts     parts of one multipart reply; past this the switch is disconnected
 */
public record OpenFlowLimits(int maxConnections, int maxHandshakes, int maxHandshakesPerSource,
                             Duration handshakeTimeout, int inboundQueue, int inboundTotal, long maxOutboundBytes,
                             Duration writeStallTimeout, long maxMultipartBytes, int maxMultipartParts) {
  public static final OpenFlowLimits DEFAULTS = new OpenFlowLimits(10_000, 512, 64, Duration.ofSeconds(15), 1024,
      65_536, 32L << 20, Duration.ofSeconds(30), 64L << 20, 16_384);

  public OpenFlowLimits {
    if (maxConnections < 1 || maxHandshakes < 1 || maxHandshakesPerSource < 1 || inboundQueue < 16
        || inboundTotal < 16 || maxOutboundBytes < 65_536 || maxMultipartBytes < 65_536 || maxMultipartParts < 1) {
      throw new IllegalArgumentException("OpenFlow limits out of range");
    }
  }
}
