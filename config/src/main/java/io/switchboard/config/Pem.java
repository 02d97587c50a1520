package io.switchboard.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files as {@code ovs-pki} and openssl write them: certificates, and unencrypted private keys in PKCS#8
 * ({@code BEGIN PRIVATE KEY}, OpenSSL 3) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, older ovs-pki). Every failure is an
 * {@link IllegalArgumentException} whose message says what is wrong with which file.
 */
public final class Pem {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  /** A certificate file larger than this is not a certificate. */
  private static final long MAX_FILE_BYTES = 1 << 20;

  private Pem() {}

  /** Every certificate in the file, in order (at least one). */
  public static List<X509Certificate> certificates(Path file) {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory cf;
    try {
      cf = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
    for (Block b : blocks(file)) {
      if (b.type().equals("CERTIFICATE")) {
        try {
          out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
        } catch (CertificateException e) {
          throw new IllegalArgumentException(file + ": not a valid X.509 certificate (" + e.getMessage() + ")");
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in the file");
    }
    return out;
  }

  /** The first private key in the file. */
  public static PrivateKey privateKey(Path file) {
    for (Block b : blocks(file)) {
      switch (b.type()) {
        case "PRIVATE KEY":
          return pkcs8(file, b.der());
        case "RSA PRIVATE KEY":
          return pkcs8(file, rsaPkcs1ToPkcs8(b.der()));
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(file + ": the private key is encrypted; give an unencrypted key "
              + "(as ovs-pki writes), readable only by the controller's user");
        default:
          break;
      }
    }
    throw new IllegalArgumentException(file + ": no PEM private key (-----BEGIN PRIVATE KEY----- or "
        + "-----BEGIN RSA PRIVATE KEY-----) in the file");
  }

  /** Throws when the key is not the private half of the certificate's public key. */
  public static void checkPair(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
    if (!cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
      throw new IllegalArgumentException(keyFile + " is a " + key.getAlgorithm() + " key but " + certFile
          + " holds a " + cert.getPublicKey().getAlgorithm() + " certificate");
    }
    if (cert.getPublicKey() instanceof RSAKey pub && key instanceof RSAKey priv
        && !pub.getModulus().equals(priv.getModulus())) {
      throw new IllegalArgumentException(keyFile + " is not the private key of the certificate in " + certFile);
    }
  }

  /** SHA-256 of the certificate's DER encoding: 64 lower-case hex digits, no colons. */
  public static String fingerprint(X509Certificate cert) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A SHA-256 fingerprint as written by people: 64 hex digits, with or without colons, either case (so the output
   * of {@code openssl x509 -noout -fingerprint -sha256} works after its "=").
   */
  public static String parseFingerprint(String text) {
    String t = text.trim();
    String hex = t.matches("([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}") ? t.replace(":", "") : t;
    if (!hex.matches("[0-9A-Fa-f]{64}")) {
      throw Values.expected("a SHA-256 certificate fingerprint (64 hex digits, colons allowed), as printed by "
          + "openssl x509 -noout -fingerprint -sha256 -in CERT", text);
    }
    return hex.toLowerCase();
  }

  /** 01:ab:... for logs: the first 8 bytes of a fingerprint, enough to tell certificates apart. */
  public static String shortFingerprint(String fingerprint) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 16 && i < fingerprint.length(); i += 2) {
      sb.append(i == 0 ? "" : ":").append(fingerprint, i, i + 2);
    }
    return sb.append("...").toString();
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(Path file) {
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(file + ": larger than 1 MiB, not a PEM file");
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IllegalArgumentException(file + ": not a PEM file (binary content; convert DER with openssl)");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
    }
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": a " + m.group(1) + " block is not valid base64");
      }
    }
    return out;
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(file + ": not an RSA, EC or EdDSA private key");
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo: version 0, rsaEncryption with NULL parameters. */
  static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
    byte[] version = {0x02, 0x01, 0x00};
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] body = new byte[version.length + algorithm.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
    System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    byte[] len;
    int n = content.length;
    if (n < 0x80) {
      len = new byte[] {(byte) n};
    } else {
      byte[] digits = BigInteger.valueOf(n).toByteArray();
      int skip = digits[0] == 0 ? 1 : 0;
      len = new byte[digits.length - skip + 1];
      len[0] = (byte) (0x80 | (digits.length - skip));
      System.arraycopy(digits, skip, len, 1, digits.length - skip);
    }
    byte[] out = new byte[1 + len.length + n];
    out[0] = (byte) tag;
    System.arraycopy(len, 0, out, 1, len.length);
    System.arraycopy(content, 0, out, 1 + len.length, n);
    return out;
  }
}
