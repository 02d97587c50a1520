package io.switchboard.controller.spi;

/**
 * A packet the switch sent to the controller.
 *
 * @param inPort    the port it arrived on
 * @param stage     the stage whose entry sent it (null when unknown, e.g. a table miss on OpenFlow 1.0)
 * @param metadata  the metadata register at the time (0 on OpenFlow 1.0)
 * @param tunnelId  the tunnel id (VNI) it arrived with, 0 if none
 * @param bufferId  the switch's buffer id, or -1 when the whole packet is in {@code data}
 */
public record PacketIn(long inPort, Stage stage, long metadata, long tunnelId, int bufferId, byte[] data) {
  public static final int NO_BUFFER = -1;
  /** The frame's decoded headers, for apps that do not want to parse bytes. */
  public Frame frame() {
    return Frame.parse(data);
  }
}
