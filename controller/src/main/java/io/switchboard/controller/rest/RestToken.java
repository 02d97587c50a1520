package io.switchboard.controller.rest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API's bearer token: read from {@code rest.token-file}, or generated there (32 random bytes, base64url,
 * mode 0600) when the file does not exist. Compared in constant time.
 */
public final class RestToken {
  private static final Logger log = LoggerFactory.getLogger(RestToken.class);
  static final int MIN_LENGTH = 16;
  private static final int MAX_FILE_BYTES = 4096;

  private final Path file;
  private final byte[] digest;

  private RestToken(Path file, String token) {
    this.file = file;
    this.digest = sha256(token);
  }

  public Path file() {
    return file;
  }

  /** Reads the token, generating the file first when it is absent; an unusable file is an error naming it. */
  public static RestToken loadOrCreate(Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    if (!Files.exists(abs)) {
      create(abs);
    }
    return new RestToken(abs, read(abs));
  }

  /** Reads a token file as clients do (the CLI): trimmed, visible ASCII, at least 16 characters. */
  public static String read(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IOException("REST token file " + file + " is over " + MAX_FILE_BYTES + " bytes: not a token");
    }
    String t = Files.readString(file, StandardCharsets.US_ASCII).trim();
    if (t.length() < MIN_LENGTH || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IOException("REST token file " + file + " must hold one token of at least " + MIN_LENGTH
          + " visible ASCII characters (delete it to have a new one generated)");
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        log.warn("REST token file {} is readable by others ({}): chmod 600 it",
            file, PosixFilePermissions.toString(perms));
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to check
    }
    return t;
  }

  private static void create(Path file) throws IOException {
    Path dir = file.getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Path tmp = Files.createTempFile(dir, ".rest-token", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
      try {
        Files.createLink(file, tmp); // atomic: a controller starting at the same moment keeps its own or ours
        log.info("generated a REST token in {} (mode 0600): clients send it as 'Authorization: Bearer <token>'",
            file);
      } catch (FileAlreadyExistsException e) {
        log.debug("REST token file {} appeared meanwhile; using it", file);
      } catch (UnsupportedOperationException | IOException e) {
        if (!Files.exists(file)) {
          Files.move(tmp, file);
          log.info("generated a REST token in {} (mode 0600)", file);
        }
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** True when {@code presented} is the token; the time taken does not depend on where they differ. */
  public boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(digest, sha256(presented));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
