package org.mediaproxy.dispatcher;

import java.util.concurrent.CompletionException;

/** Short texts for log lines. */
final class LogText {

    private LogText() {
    }

    /** The message of a failure, unwrapped from the futures it travelled through. */
    static String reason(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    /** Peer-supplied text, cut to a length fit for one log line. */
    static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
