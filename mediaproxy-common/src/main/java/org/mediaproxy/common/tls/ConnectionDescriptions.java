package org.mediaproxy.common.tls;

import io.netty.channel.Channel;
import io.netty.handler.codec.CodecException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.CertificateException;

/** Words for log lines: who the peer is, and the one-line reason behind a failure. */
public final class ConnectionDescriptions {

    private ConnectionDescriptions() {
    }

    /**
     * "relay 198.18.0.1" for a peer that connected to us (its port is meaningless), "dispatcher
     * 198.18.0.1:25060" for a peer we connected to.
     */
    static String peer(Channel channel, String peerKind) {
        SocketAddress remote = channel.remoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            return peerKind + " " + (channel.parent() != null ? host : host + ":" + inet.getPort());
        }
        return peerKind + (remote == null ? "" : " " + remote);
    }

    /**
     * The most telling message in a cause chain: the certificate verdict when there is one (the
     * outermost, which is ours; deeper ones are the JDK's details), else the first message that is
     * not just a codec wrapper repeating its cause.
     */
    public static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateException && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        Throwable telling = failure;
        while (telling instanceof CodecException && telling.getCause() != null) {
            telling = telling.getCause();
        }
        return telling.getMessage() != null ? telling.getMessage() : telling.getClass().getSimpleName();
    }
}
