package io.hostdeck.fleet;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small client for Prometheus's HTTP API: instant queries ({@code /api/v1/query}) and the scrape
 * intervals of its targets ({@code /api/v1/targets}). Network access, not machine access, so it
 * lives with the fleet and not in the host layer. Every way Prometheus can fail to answer becomes
 * a {@link PrometheusException} whose message says what happened and where, never an empty result.
 */
final class PrometheusClient {

    /** One series of an instant vector: its labels and its value. */
    record Sample(Map<String, String> labels, double value) {
        String label(String name) {
            return labels.getOrDefault(name, "");
        }
    }

    private final URI base;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * @param base          Prometheus's address, e.g. {@code http://prometheus:9090} (a path prefix is kept)
     * @param bearerToken   sent as {@code Authorization: Bearer}; empty for none
     * @param username      with {@code password}, sent as basic auth when there is no bearer token
     */
    PrometheusClient(URI base, String bearerToken, String username, String password, Duration timeout) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        if (!bearerToken.isEmpty()) {
            this.authorization = "Bearer " + bearerToken;
        } else if (!username.isEmpty()) {
            this.authorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        } else {
            this.authorization = null;
        }
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    URI base() {
        return base;
    }

    /** Runs {@code promql} as an instant query at {@code time}; the answer is a future of its series. */
    CompletableFuture<List<Sample>> query(String promql, Instant time) {
        String form = "query=" + enc(promql) + "&time=" + (time.toEpochMilli() / 1000.0) + "&timeout="
                + timeout.toMillis() + "ms";
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("api/v1/query")).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        return send(request, "the query " + promql).thenApply(data -> vector(data, promql));
    }

    /** The scrape interval of each active target of {@code job}, as Prometheus reports them. */
    CompletableFuture<List<Duration>> scrapeIntervals(String job) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("api/v1/targets?state=active")).timeout(timeout)
                .header("Accept", "application/json").GET();
        return send(request, "its targets").thenApply(data -> {
            List<Duration> out = new ArrayList<>();
            for (JsonNode t : data.path("activeTargets")) {
                String interval = t.path("scrapeInterval").asString("");
                if (job.equals(t.path("labels").path("job").asString("")) && !interval.isEmpty()) {
                    out.add(PromDuration.parse(interval));
                }
            }
            return out;
        });
    }

    /** Sends the request; the answer's {@code data}, or a PrometheusException that says why there is none. */
    private CompletableFuture<JsonNode> send(HttpRequest.Builder request, String what) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    if (error != null) {
                        throw unreachable(error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error);
                    }
                    return answer(response, what);
                });
    }

    private PrometheusException unreachable(Throwable e) {
        String why;
        if (e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException) {
            why = "no answer within " + timeout.toMillis() + " ms (hostdeck.fleet.timeout)";
        } else if (e instanceof ConnectException) {
            why = "connection refused";
        } else if (e instanceof IOException) {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } else {
            why = e.toString();
        }
        return new PrometheusException(false, "Prometheus at " + base + " did not answer: " + why);
    }

    private JsonNode answer(HttpResponse<String> response, String what) {
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new PrometheusException(false, "Prometheus at " + base + " refused Hostdeck (HTTP " + status
                    + "): check hostdeck.fleet.bearer-token, or hostdeck.fleet.username and password");
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (JacksonException e) {
            throw new PrometheusException(false, "Prometheus at " + base + " answered HTTP " + status
                    + " with something that is not its API's JSON (is hostdeck.fleet.prometheus-url Prometheus's address?)");
        }
        if (!"success".equals(body.path("status").asString(""))) {
            String error = body.path("errorType").asString("") + ": " + body.path("error").asString("(no message)");
            // bad_data: the query itself (a filter's regular expression) is wrong; anything else is Prometheus's trouble
            throw new PrometheusException("bad_data".equals(body.path("errorType").asString("")),
                    "Prometheus at " + base + " could not answer " + what + " (HTTP " + status + ", " + error + ")");
        }
        return body.path("data");
    }

    private List<Sample> vector(JsonNode data, String promql) {
        if (!"vector".equals(data.path("resultType").asString(""))) {
            throw new PrometheusException(false, "Prometheus answered " + promql + " with a "
                    + data.path("resultType").asString("?") + ", not an instant vector");
        }
        List<Sample> out = new ArrayList<>(data.path("result").size());
        for (JsonNode r : data.path("result")) {
            Map<String, String> labels = new HashMap<>();
            r.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString("")));
            String value = r.path("value").path(1).asString("NaN");
            out.add(new Sample(labels, parse(value)));
        }
        return out;
    }

    /** Prometheus writes values as strings: numbers, NaN, +Inf, -Inf. */
    static double parse(String value) {
        return switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(value);
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Prometheus did not answer, or not with data: {@code badQuery} when it refused the query itself. */
    static final class PrometheusException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean badQuery;

        PrometheusException(boolean badQuery, String message) {
            super(message);
            this.badQuery = badQuery;
        }

        boolean badQuery() {
            return badQuery;
        }
    }
}
