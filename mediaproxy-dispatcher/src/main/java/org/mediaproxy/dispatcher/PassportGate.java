package org.mediaproxy.dispatcher;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.mediaproxy.common.tls.Passport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Placed after the {@link SslHandler}: once the handshake (which already verified the chain
 * against the CA) succeeds, checks the peer certificate's subject against the passport and fires
 * {@link PeerAccepted}, or logs one line and closes the connection.
 */
public final class PassportGate extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(PassportGate.class);

    private final Passport passport;
    private final String peerKind;
    private boolean reported;

    public PassportGate(Passport passport, String peerKind) {
        this.passport = passport;
        this.peerKind = peerKind;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (!(event instanceof SslHandshakeCompletionEvent handshake)) {
            ctx.fireUserEventTriggered(event);
            return;
        }
        String peer = String.valueOf(ctx.channel().remoteAddress());
        if (!handshake.isSuccess()) {
            report(ctx, handshake.cause());
            return;
        }
        X509Certificate certificate;
        try {
            Certificate[] chain = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
            certificate = (X509Certificate) chain[0];
        } catch (SSLPeerUnverifiedException e) {
            log.warn("{} {} presented no certificate, closing", peerKind, peer);
            ctx.close();
            return;
        }
        if (!passport.matches(certificate.getSubjectX500Principal())) {
            log.error("{} {} refused due to wrong passport (subject {}, passport {})",
                    peerKind, peer, certificate.getSubjectX500Principal().getName(), passport);
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireUserEventTriggered(new PeerAccepted(certificate.getSubjectX500Principal()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        report(ctx, cause);
    }

    /** A failed handshake shows up both as an exception and as an event: log it once. */
    private void report(ChannelHandlerContext ctx, Throwable cause) {
        if (!reported) {
            reported = true;
            log.warn("TLS handshake with {} {} failed: {}", peerKind, ctx.channel().remoteAddress(), rootMessage(cause));
        }
        ctx.close();
    }

    static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
