package io.switchboard.controller.openflow;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.timeout.IdleStateHandler;
import io.switchboard.config.Pem;
import io.switchboard.config.TlsFiles;
import io.switchboard.controller.core.LogLimiter;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenFlow over TLS: the controller's certificate and key, switches' certificates required and checked against the
 * CA ({@code ssl:} targets in OVS). A failed handshake closes only that connection, is counted, and is logged once per
 * source address per interval.
 */
public final class OpenFlowTls {
  private static final Logger log = LoggerFactory.getLogger(OpenFlowTls.class);
  static final Duration LOG_INTERVAL = Duration.ofSeconds(60);
  private static final long HANDSHAKE_TIMEOUT_MS = 10_000;

  private final SslContext context;
  private final Runnable onFailure;
  private final LogLimiter logLimit = new LogLimiter(LOG_INTERVAL, 1024);

  private OpenFlowTls(SslContext context, Runnable onFailure) {
    this.context = context;
    this.onFailure = onFailure;
  }

  /**
   * Reads the PEM files.
   *
   * @param onFailure called once for every failed handshake (a metric)
   * @throws IllegalArgumentException naming the file when one cannot be used
   */
  public static OpenFlowTls load(TlsFiles files, Runnable onFailure) {
    List<X509Certificate> chain = Pem.certificates(files.cert());
    PrivateKey key = Pem.privateKey(files.key());
    Pem.checkPair(chain.get(0), key, files.cert(), files.key());
    List<X509Certificate> cas = Pem.certificates(files.ca());
    try {
      SslContext ctx = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
          .trustManager(cas.toArray(X509Certificate[]::new))
          .clientAuth(ClientAuth.REQUIRE)
          .protocols("TLSv1.3", "TLSv1.2")
          .build();
      log.info("OpenFlow TLS: certificate {} (sha256 {}), switches must present a certificate signed by {}",
          chain.get(0).getSubjectX500Principal().getName(), Pem.shortFingerprint(Pem.fingerprint(chain.get(0))),
          files.ca());
      return new OpenFlowTls(ctx, onFailure);
    } catch (SSLException e) {
      throw new IllegalArgumentException("cannot use " + files.cert() + " / " + files.key() + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Puts TLS in front of the channel's pipeline: the SslHandler first, then the handshake watcher. The keepalive
   * ({@code idle}) starts when the TLS handshake is done: during it no OpenFlow message can arrive, and a slow
   * handshake (a busy machine, a cold JVM) must not read as a silent switch. The handshake has its own timeout.
   */
  void install(Channel ch) {
    SslHandler ssl = context.newHandler(ch.alloc());
    ssl.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MS);
    IdleStateHandler idle = ch.pipeline().get(IdleStateHandler.class);
    if (idle != null) {
      ch.pipeline().remove(idle);
    }
    ch.pipeline().addFirst("tls-watch", new Watcher(idle));
    ch.pipeline().addFirst("tls", ssl);
  }

  /** The SHA-256 fingerprint of the certificate the peer presented, or null on a plain TCP channel. */
  static String peerFingerprint(Channel ch) {
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      var certs = ssl.engine().getSession().getPeerCertificates();
      return certs.length > 0 && certs[0] instanceof X509Certificate x ? Pem.fingerprint(x) : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private void failed(ChannelHandlerContext ctx, Throwable cause) {
    onFailure.run();
    String source = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress()
        : String.valueOf(ctx.channel().remoteAddress());
    long suppressed = logLimit.admit(source);
    if (suppressed >= 0) {
      log.warn("OpenFlow TLS handshake with {} failed, closing it: {}{}", ctx.channel().remoteAddress(),
          reason(cause), LogLimiter.more(suppressed));
    }
    ctx.close();
  }

  static String reason(Throwable cause) {
    if (cause instanceof NotSslRecordException) {
      return "the peer does not speak TLS (an OVS target tcp: pointed at the TLS port? use ssl:)";
    }
    if (cause instanceof SslHandshakeTimeoutException) {
      return "no handshake within " + HANDSHAKE_TIMEOUT_MS / 1000 + " s";
    }
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    if (text.contains("PKIX path") || text.contains("unable to find valid certification path")) {
      return "its certificate is not signed by the CA of openflow.tls.ca (" + text + ")";
    }
    return text;
  }

  /** Reports a failed handshake once, and keeps its exception from reaching the OpenFlow handlers. */
  private final class Watcher extends ChannelInboundHandlerAdapter {
    private final IdleStateHandler idle;
    private boolean handshakeDone;
    private boolean reported;

    /** @param idle the keepalive taken out of the pipeline until the handshake is done, or null */
    Watcher(IdleStateHandler idle) {
      this.idle = idle;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslHandshakeCompletionEvent e) {
        if (e.isSuccess()) {
          handshakeDone = true;
          if (idle != null) {
            ctx.pipeline().addAfter(ctx.name(), "idle", new IdleStateHandler(idle.getReaderIdleTimeInMillis(),
                idle.getWriterIdleTimeInMillis(), idle.getAllIdleTimeInMillis(), TimeUnit.MILLISECONDS));
          }
        } else {
          report(ctx, e.cause());
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!handshakeDone) {
        report(ctx, cause);
        return;
      }
      if (isTls(cause)) {
        log.debug("{}: TLS error, closing: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
        return;
      }
      ctx.fireExceptionCaught(cause);
    }

    private void report(ChannelHandlerContext ctx, Throwable cause) {
      if (!reported) {
        reported = true;
        failed(ctx, cause);
      } else {
        ctx.close();
      }
    }

    private boolean isTls(Throwable t) {
      for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
        if (c instanceof SSLException) {
          return true;
        }
      }
      return false;
    }
  }
}
