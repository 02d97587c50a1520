package io.switchboard.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The controller's side of OpenFlow over TLS, as PEM files (absolute paths; relative ones in the config file are
 * resolved against its directory). Checked when the config is loaded: each file parses and the key belongs to the
 * certificate.
 *
 * @param cert the controller's certificate (with its chain, if any), e.g. ovs-pki's ctl-cert.pem
 * @param key  its private key, unencrypted, PKCS#8 or PKCS#1 (RSA)
 * @param ca   the CA certificate(s) switch certificates must be signed by, e.g. ovs-pki's switchca/cacert.pem
 */
public record TlsFiles(Path cert, Path key, Path ca) {
  public TlsFiles {
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(ca, "ca");
  }
}
