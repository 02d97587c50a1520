package io.switchboard.controller.flow;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Cookies name the owning app in their top 16 bits and carry the app's 48-bit tag below. The app id is derived
 * from the app's name, so every controller instance and every restart agree on it.
 */
public final class Cookies {
  public static final String CORE = "core";
  private static final long TAG_MASK = 0xffff_ffff_ffffL;

  private Cookies() {}

  public static int appId(String app) {
    if (CORE.equals(app)) {
      return 0x5b00;
    }
    CRC32 crc = new CRC32();
    crc.update(app.getBytes(StandardCharsets.UTF_8));
    int id = (int) (crc.getValue() & 0xffff);
    return id == 0 || id == 0x5b00 ? id ^ 0x5b01 : id;
  }

  public static long cookie(String app, long tag) {
    return cookie(appId(app), tag);
  }

  /** With the app's id already at hand (a CRC of its name otherwise, per entry). */
  public static long cookie(int appId, long tag) {
    return ((long) appId << 48) | (tag & TAG_MASK);
  }

  public static int appIdOf(long cookie) {
    return (int) (cookie >>> 48);
  }

  public static long tagOf(long cookie) {
    return cookie & TAG_MASK;
  }
}
