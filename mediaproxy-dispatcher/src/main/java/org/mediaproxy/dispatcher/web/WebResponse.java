package org.mediaproxy.dispatcher.web;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer, complete and immutable: built on whatever thread produced its data, turned into a
 * Netty response only when written.
 *
 * @param headers extra headers beyond type, length and caching
 */
record WebResponse(HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    static WebResponse ok(String contentType, byte[] body) {
        return new WebResponse(HttpResponseStatus.OK, contentType, body, Map.of());
    }

    /** A plain-text answer for a request we do not serve; the text says why. */
    static WebResponse refusal(HttpResponseStatus status, String text) {
        return new WebResponse(status, TEXT, (text + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    WebResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new WebResponse(status, contentType, body, Map.copyOf(more));
    }

    FullHttpResponse toHttp(boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        HttpHeaders out = response.headers();
        out.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        out.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        // Everything here is live state (or the page that shows it): a cached copy would be a lie.
        out.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        out.set("X-Content-Type-Options", "nosniff");
        headers.forEach(out::set);
        HttpUtil.setKeepAlive(response, keepAlive);
        return response;
    }
}
