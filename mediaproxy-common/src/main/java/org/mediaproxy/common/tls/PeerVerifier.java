package org.mediaproxy.common.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Goes right after the {@link SslHandler}. When the handshake fails it logs one line and closes;
 * when it succeeds it checks the peer subject against the passport, then fires
 * {@link PeerVerified} to the next handler and re-verifies the peer's chain (CA, validity
 * dates, CRL, all from the current files) every {@code verifyInterval}, closing the connection
 * with one log line once the certificate has expired or been revoked.
 *
 * <p>Nothing the peer sends reaches the next handler before {@link PeerVerified}: with TLS 1.3 a
 * client may send data before we have checked its passport. One instance per connection.
 */
public final class PeerVerifier extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(PeerVerifier.class);

    private enum State { HANDSHAKING, VERIFIED, CLOSED }

    private final TlsCredentials credentials;
    private final Passport passport;
    private final Duration verifyInterval;
    private final String peerKind;
    private State state = State.HANDSHAKING;
    private List<X509Certificate> peerChain;
    private PeerPurpose peerPurpose;
    private ScheduledFuture<?> reverification;

    /**
     * @param passport       the subject filter for the peer ({@link Passport#NONE} for none)
     * @param verifyInterval {@code [TLS] verify_interval}; zero disables periodic re-verification
     * @param peerKind       what the peer is, for log lines: "relay", "dispatcher", "management client"
     */
    public PeerVerifier(TlsCredentials credentials, Passport passport, Duration verifyInterval, String peerKind) {
        if (verifyInterval.isNegative()) {
            throw new IllegalArgumentException("verify interval must not be negative: " + verifyInterval);
        }
        this.credentials = credentials;
        this.passport = passport;
        this.verifyInterval = verifyInterval;
        this.peerKind = peerKind;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (!(event instanceof SslHandshakeCompletionEvent handshake)) {
            ctx.fireUserEventTriggered(event);
            return;
        }
        if (state != State.HANDSHAKING) {
            return;
        }
        if (!handshake.isSuccess()) {
            close(ctx, "TLS handshake with {} failed: {}", ConnectionDescriptions.reason(handshake.cause()));
            return;
        }
        SSLEngine engine = ctx.pipeline().get(SslHandler.class).engine();
        try {
            peerChain = Arrays.stream(engine.getSession().getPeerCertificates())
                    .map(X509Certificate.class::cast)
                    .toList();
        } catch (SSLPeerUnverifiedException e) {
            close(ctx, "refused {}: {}", "it presented no certificate");
            return;
        }
        X500Principal subject = peerChain.get(0).getSubjectX500Principal();
        if (!passport.matches(subject)) {
            close(ctx, "refused {}: {}", "wrong passport (subject '" + subject.getName()
                    + "' does not match passport '" + passport + "')");
            return;
        }
        state = State.VERIFIED;
        peerPurpose = engine.getUseClientMode() ? PeerPurpose.TLS_SERVER : PeerPurpose.TLS_CLIENT;
        if (!verifyInterval.isZero()) {
            long period = verifyInterval.toMillis();
            reverification = ctx.executor().scheduleAtFixedRate(() -> reverify(ctx), period, period, TimeUnit.MILLISECONDS);
        }
        log.debug("{} verified: {}", ConnectionDescriptions.peer(ctx.channel(), peerKind), subject.getName());
        ctx.fireUserEventTriggered(new PeerVerified(subject));
    }

    private void reverify(ChannelHandlerContext ctx) {
        if (state != State.VERIFIED) {
            return;
        }
        try {
            credentials.verifyPeer(peerChain, peerPurpose);
        } catch (CertificateException e) {
            close(ctx, "dropped {}: its certificate is no longer valid: {}", e.getMessage());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (state == State.VERIFIED) {
            ctx.fireChannelRead(message);
        } else {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        switch (state) {
            case HANDSHAKING -> close(ctx, "TLS handshake with {} failed: {}", ConnectionDescriptions.reason(cause));
            case VERIFIED -> ctx.fireExceptionCaught(cause);
            // Already logged and closing: the rest is the echo of that failure.
            case CLOSED -> log.debug("after closing {}", ConnectionDescriptions.peer(ctx.channel(), peerKind), cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        state = State.CLOSED;
        stopReverification();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopReverification();
    }

    private void close(ChannelHandlerContext ctx, String format, String reason) {
        state = State.CLOSED;
        stopReverification();
        log.warn(format, ConnectionDescriptions.peer(ctx.channel(), peerKind), reason);
        ctx.close();
    }

    private void stopReverification() {
        if (reverification != null) {
            reverification.cancel(false);
            reverification = null;
        }
    }
}
