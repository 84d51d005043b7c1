package org.mediaproxy.dispatcher.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each path answers. Read-only: nothing here changes the dispatcher's state. Answers that
 * need the dispatcher's state come asynchronously and within {@code answerTimeout}; nothing here
 * blocks the calling event loop.
 */
final class WebRoutes {

    private static final Logger log = LoggerFactory.getLogger(WebRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The page may load only its own script and style sheet, and fetch only from here. */
    private static final String PAGE_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
                    + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final LiveView view;
    private final DispatcherMetrics metrics;
    private final Duration answerTimeout;
    private final Executor spoolReader;
    private final Map<String, WebResponse> files;

    WebRoutes(LiveView view, DispatcherMetrics metrics, Duration answerTimeout, Executor spoolReader) {
        this.view = view;
        this.metrics = metrics;
        this.answerTimeout = answerTimeout;
        this.spoolReader = spoolReader;
        WebResponse page = file("sessions.html", "text/html; charset=utf-8")
                .withHeader("Content-Security-Policy", PAGE_POLICY)
                .withHeader("Referrer-Policy", "no-referrer");
        files = Map.of(
                "/", page,
                "/index.html", page,
                "/sessions.css", file("sessions.css", "text/css; charset=utf-8"),
                "/sessions.js", file("sessions.js", "text/javascript; charset=utf-8"));
    }

    /** Never completes exceptionally: every failure is an HTTP answer. */
    CompletableFuture<WebResponse> answer(WebRequest request) {
        if (request.failure() != null) {
            return CompletableFuture.completedFuture(undecodable(request));
        }
        if (!HttpMethod.GET.equals(request.method())) {
            log.debug("web: 405 for {}", request);
            return CompletableFuture.completedFuture(
                    WebResponse.refusal(HttpResponseStatus.METHOD_NOT_ALLOWED, "Only GET is served here.")
                            .withHeader("Allow", "GET"));
        }
        WebResponse file = files.get(request.path());
        if (file != null) {
            return CompletableFuture.completedFuture(file);
        }
        return switch (request.path()) {
            case "/metrics" -> metrics();
            case "/sessions.json" -> json("sessions", view::sessions);
            case "/summary.json" -> json("summary", view::summary);
            default -> {
                log.debug("web: 404 for {}", request);
                yield CompletableFuture.completedFuture(WebResponse.refusal(HttpResponseStatus.NOT_FOUND,
                        "Not found. Served here: / (sessions page), /metrics, /sessions.json, /summary.json."));
            }
        };
    }

    private static WebResponse undecodable(WebRequest request) {
        Throwable cause = request.failure();
        // Netty names an undecodable request "GET /bad-request"; the cause says what it really was.
        log.debug("web: bad request from {}: {}", request.remote(), cause.toString());
        if (cause instanceof TooLongHttpLineException) {
            return WebResponse.refusal(HttpResponseStatus.REQUEST_URI_TOO_LONG, "Request line too long.");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return WebResponse.refusal(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers too large.");
        }
        return WebResponse.refusal(HttpResponseStatus.BAD_REQUEST, "Bad request.");
    }

    /**
     * Counters, then the gauges of whatever part of the live state arrived in time: a scrape
     * always answers, so the counters are never lost to a slow relay.
     */
    private CompletableFuture<WebResponse> metrics() {
        CompletableFuture<Optional<JsonNode>> sessions = optional("sessions", bounded(view::sessions));
        CompletableFuture<Optional<JsonNode>> summary = optional("summary", bounded(view::summary));
        CompletableFuture<OptionalInt> spool = bounded(() -> CompletableFuture.supplyAsync(view::spoolDepth, spoolReader))
                .handle((depth, failure) -> {
                    if (failure != null) {
                        log.debug("web: no accounting spool depth for this scrape: {}", reason(failure));
                        return OptionalInt.empty();
                    }
                    return OptionalInt.of(depth);
                });
        return CompletableFuture.allOf(sessions, summary, spool).thenApply(all -> {
            PrometheusText out = new PrometheusText();
            metrics.writeTo(out);
            new LiveState(sessions.join(), summary.join(), spool.join()).writeTo(out);
            return WebResponse.ok(PrometheusText.CONTENT_TYPE, out.text().getBytes(StandardCharsets.UTF_8));
        }).exceptionally(failure -> {
            log.warn("web: cannot write the metrics: {}", reason(failure));
            return WebResponse.refusal(HttpResponseStatus.INTERNAL_SERVER_ERROR, "Cannot write the metrics.");
        });
    }

    /** A management answer as JSON; 504 if it takes too long, 503 if the dispatcher fails it. */
    private CompletableFuture<WebResponse> json(String what, Supplier<CompletableFuture<JsonNode>> source) {
        return bounded(source).thenApply(WebRoutes::jsonBody).exceptionally(failure -> {
            log.debug("web: no {} for the web page: {}", what, reason(failure));
            boolean late = unwrap(failure) instanceof TimeoutException;
            ObjectNode error = JSON.createObjectNode();
            error.put("error", late
                    ? "the dispatcher did not give its " + what + " within " + answerTimeout.toMillis() + " ms"
                    : "the dispatcher could not give its " + what + ": " + reason(failure));
            return new WebResponse(late ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    WebResponse.JSON, error.toString().getBytes(StandardCharsets.UTF_8), Map.of());
        });
    }

    private static WebResponse jsonBody(JsonNode answer) {
        try {
            return WebResponse.ok(WebResponse.JSON, JSON.writeValueAsBytes(answer));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CompletableFuture<Optional<JsonNode>> optional(String what, CompletableFuture<JsonNode> answer) {
        return answer.handle((json, failure) -> {
            if (failure != null) {
                log.debug("web: no {} for this scrape: {}", what, reason(failure));
                return Optional.empty();
            }
            return Optional.ofNullable(json);
        });
    }

    /**
     * The view's answer, failed instead of thrown and given up on after {@code answerTimeout}. The
     * timeout goes on a copy: the view's own future may be shared and must not be failed by us.
     */
    private <T> CompletableFuture<T> bounded(Supplier<CompletableFuture<T>> source) {
        CompletableFuture<T> answer;
        try {
            answer = source.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (answer == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the live view gave no answer"));
        }
        return answer.copy().orTimeout(answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String reason(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof TimeoutException) {
            return "timed out";
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    private static WebResponse file(String name, String contentType) {
        try (InputStream in = WebRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the build");
            }
            return WebResponse.ok(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
