package io.hostdeck.support;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser-like HTTP client against the running app: keeps cookies, does not follow redirects
 * (tests look at them), logs in through the real form with its CSRF token.
 */
public final class WebSession {

    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern CSRF_META = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");

    private final String base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;

    public WebSession(int port) {
        this("http://localhost:" + port);
    }

    /** A session with the app at {@code base}, e.g. "http://127.0.0.1:18400" (a port qemu forwards on IPv4 only). */
    public WebSession(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The value of this session's cookie {@code name}, or "" when it has none. */
    public String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(java.net.HttpCookie::getValue).findFirst().orElse("");
    }

    public String base() {
        return base;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/html").GET().build());
    }

    public HttpResponse<String> postForm(String path, String form) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    /** Logs in through the form; returns the response to the login POST. */
    public HttpResponse<String> login(String user, String password) {
        String token = csrfToken(get("/login").body(), CSRF_INPUT);
        return postForm("/login", "username=" + enc(user) + "&password=" + enc(password) + "&_csrf=" + enc(token));
    }

    /** The CSRF token a page of the app carries in its meta tag. */
    public String pageToken(String path) {
        return csrfToken(get(path).body(), CSRF_META);
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request to " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Opens the live socket with this session's cookies and the given Origin (null: none). */
    public CompletableFuture<WebSocket> openLive(String origin, LinkedBlockingQueue<String> received) {
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b.buildAsync(URI.create("ws://localhost:" + URI.create(base).getPort() + "/live"), new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                // a large message arrives in parts: hand it on whole
                message.append(data);
                if (last) {
                    received.add(message.toString());
                    message.setLength(0);
                }
                ws.request(1);
                return null;
            }
        });
    }

    private static String csrfToken(String html, Pattern p) {
        Matcher m = p.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no CSRF token in page:\n" + html);
        }
        return m.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
