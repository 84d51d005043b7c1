package org.mediaproxy.dispatcher.web;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.SocketAddress;

/**
 * What routing needs from a request, copied out of Netty's reference-counted message so that the
 * message can be released at once while the answer is still being prepared.
 *
 * @param path    the decoded path, without the query
 * @param failure why the request could not be decoded, or null
 */
record WebRequest(HttpMethod method, String uri, String path, SocketAddress remote, Throwable failure) {

    private static final int SHOWN_URI_LENGTH = 200;

    static WebRequest of(FullHttpRequest request, SocketAddress remote) {
        if (request.decoderResult().isFailure()) {
            return new WebRequest(request.method(), request.uri(), "", remote, request.decoderResult().cause());
        }
        try {
            return new WebRequest(request.method(), request.uri(), new QueryStringDecoder(request.uri()).path(), remote, null);
        } catch (IllegalArgumentException e) {
            return new WebRequest(request.method(), request.uri(), "", remote, e); // a bad %-escape
        }
    }

    /** For log lines: method, URI (cut short and made printable: it is the client's) and peer. */
    @Override
    public String toString() {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < uri.length() && i < SHOWN_URI_LENGTH; i++) {
            char c = uri.charAt(i);
            shown.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (uri.length() > SHOWN_URI_LENGTH) {
            shown.append("...");
        }
        return method + " " + shown + " from " + remote;
    }
}
