package io.hostdeck.terminal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.server.support.HttpSessionHandshakeInterceptor;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.error.RefusedException;
import io.hostdeck.host.HostUnavailableException;
import io.hostdeck.host.pty.Pty;
import io.hostdeck.live.LiveHub;
import io.hostdeck.live.LiveMessages;
import tools.jackson.databind.JsonNode;

/**
 * Terminals on the live channel. A page sends {@code term.open} ({@code id} of its choosing,
 * {@code kind} "host" or "console" with a {@code container}, {@code cols}, {@code rows}),
 * {@code term.in} ({@code data}), {@code term.resize}, {@code term.ack} ({@code seq}, what it has
 * drawn) and {@code term.close}; it gets {@code term.opened}, {@code term.out} and {@code term.exit}
 * (also for a refusal, with the reason). A bad message ends that terminal with a reason and touches
 * nothing else. Terminals end with the page's socket, the login session, the idle timeout, the
 * shell, or the page falling behind; at most {@code max-per-user} a user and {@code max-total} in all.
 */
@Component
class Terminals implements LiveMessages, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Terminals.class);
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern CONTAINER = Pattern.compile("[a-z]{1,8}-[0-9]{1,20}");

    private final TerminalActions actions;
    private final TerminalPolicy policy;
    private final TerminalSettings settings;
    private final LiveHub hub;
    private final SessionRegistry sessions;
    /** By the page socket's id, then the page's terminal id. */
    private final Map<String, Map<String, TerminalSession>> open = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "terminal-reaper");
        t.setDaemon(true);
        return t;
    });

    Terminals(TerminalActions actions, TerminalPolicy policy, TerminalSettings settings, LiveHub hub,
            SessionRegistry sessions) {
        this.actions = actions;
        this.policy = policy;
        this.settings = settings;
        this.hub = hub;
        this.sessions = sessions;
        reaper.scheduleWithFixedDelay(this::reap, 1, 1, TimeUnit.SECONDS);
        reaper.scheduleWithFixedDelay(this::sweepRecordings, 0, 1, TimeUnit.HOURS);
    }

    @Override
    public String prefix() {
        return "term.";
    }

    @Override
    public void receive(WebSocketSession ws, JsonNode m) {
        String type = m.path("type").asString("");
        String id = m.path("id").asString("");
        if (!ID.matcher(id).matches()) {
            hub.send(ws, new TerminalSession.Exit(id.length() > 32 ? id.substring(0, 32) : id,
                    "a terminal message needs an \"id\" of 1 to 32 letters, digits, _ or -", null));
            return;
        }
        TerminalSession t = open.getOrDefault(ws.getId(), Map.of()).get(id);
        switch (type) {
            case "term.open" -> open(ws, id, m, t);
            case "term.in" -> {
                if (t != null) {
                    JsonNode data = m.path("data");
                    if (!data.isString()) {
                        t.end("term.in needs \"data\", a string", null);
                    } else {
                        t.type(data.asString());
                    }
                }
            }
            case "term.resize" -> {
                if (t != null) {
                    try {
                        t.resize(size(m, "cols"), size(m, "rows"));
                    } catch (IllegalArgumentException e) {
                        t.end("bad resize: " + e.getMessage(), null);
                    }
                }
            }
            case "term.ack" -> {
                if (t != null) {
                    t.ack(m.path("seq").asLong(0));
                }
            }
            case "term.close" -> {
                if (t != null) {
                    t.end("closed from the page", null);
                }
            }
            default -> hub.send(ws, new TerminalSession.Exit(id, "unknown terminal message \""
                    + (type.length() > 40 ? type.substring(0, 40) : type) + "\"", null));
        }
    }

    /** A size from the message: an integer from 1 to the pty's bound, else -1, which resize refuses. */
    private static int size(JsonNode m, String field) {
        JsonNode n = m.path(field);
        return n.isIntegralNumber() && n.canConvertToInt() ? n.asInt() : -1;
    }

    private void open(WebSocketSession ws, String id, JsonNode m, TerminalSession existing) {
        if (existing != null) {
            hub.send(ws, new TerminalSession.Exit(id, "terminal " + id + " is open already on this page", null));
            return;
        }
        Authentication auth = ws.getPrincipal() instanceof Authentication a ? a : null;
        String user = auth == null ? "-" : auth.getName();
        String address = address(ws);
        String kind = m.path("kind").asString("");
        String container = m.path("container").asString("");
        int cols = size(m, "cols");
        int rows = size(m, "rows");
        String target = kind.equals("console") ? "console " + abbreviate(container) : "host shell";
        try {
            if (!kind.equals("host") && !kind.equals("console")) {
                throw new InvalidInputException("kind", "is \"host\" or \"console\", not \"" + abbreviate(kind) + "\"");
            }
            if (kind.equals("console") && !CONTAINER.matcher(container).matches()) {
                throw new InvalidInputException("container", "\"" + abbreviate(container) + "\" is not a container id");
            }
            if (cols < 1 || cols > Pty.MAX_COLUMNS || rows < 1 || rows > Pty.MAX_ROWS) {
                throw new InvalidInputException("cols", "a terminal is 1x1 to " + Pty.MAX_COLUMNS + "x" + Pty.MAX_ROWS);
            }
            String refused = policy.refusal(auth);
            if (refused != null) {
                throw new RefusedException(refused);
            }
            synchronized (this) {
                long mine = all().stream().filter(s -> s.user.equals(user)).count();
                if (mine >= settings.maxPerUser()) {
                    throw new RefusedException("you have " + mine + " terminals open, at most "
                            + settings.maxPerUser() + " (hostdeck.terminal.max-per-user)");
                }
                if (all().size() >= settings.maxTotal()) {
                    throw new RefusedException(all().size() + " terminals are open, at most " + settings.maxTotal()
                            + " (hostdeck.terminal.max-total)");
                }
                TerminalActions.Started started = asUser(auth, () -> kind.equals("host")
                        ? actions.openHostShell(cols, rows, address)
                        : actions.openConsole(container, cols, rows, address));
                String httpSession = String.valueOf(ws.getAttributes().get(HttpSessionHandshakeInterceptor.HTTP_SESSION_ID_ATTR_NAME));
                TerminalSession t = new TerminalSession(id, user, address, httpSession, started, settings.stallTimeout(),
                        message -> hub.send(ws, message), (s, reason) -> closed(ws.getId(), s, reason));
                open.computeIfAbsent(ws.getId(), k -> new ConcurrentHashMap<>()).put(id, t);
                t.start();
            }
        } catch (InvalidInputException | RefusedException | NotFoundException | AccessDeniedException e) {
            actions.recordRefusal(user, address, target, e.getMessage());
            hub.send(ws, new TerminalSession.Exit(id, "refused: " + e.getMessage(), null));
        } catch (HostUnavailableException | java.io.UncheckedIOException e) {
            hub.send(ws, new TerminalSession.Exit(id, "cannot open a terminal: " + e.getMessage(), null));
        }
    }

    private static <T> T asUser(Authentication auth, java.util.function.Supplier<T> work) {
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(auth);
        SecurityContextHolder.setContext(context);
        try {
            return work.get();
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private void closed(String wsId, TerminalSession t, String reason) {
        Map<String, TerminalSession> page = open.get(wsId);
        if (page != null) {
            page.remove(t.id, t);
            if (page.isEmpty()) {
                open.remove(wsId, page);
            }
        }
        actions.recordEnd(t.user, t.address, t.started, Instant.now(), reason);
    }

    @Override
    public void closed(WebSocketSession ws, CloseStatus status) {
        Map<String, TerminalSession> page = open.get(ws.getId());
        if (page != null) {
            // Tomcat closes the socket of a login session that ends (policy violation, "...HTTP session that
            // has ended"): say so rather than blame the page
            boolean sessionEnded = status.getCode() == CloseStatus.POLICY_VIOLATION.getCode()
                    && String.valueOf(status.getReason()).contains("session");
            page.values().forEach(t -> t.end(sessionEnded || sessionOver(t) ? "the login session ended"
                    : "the page closed its connection", null));
        }
    }

    private boolean sessionOver(TerminalSession t) {
        SessionInformation info = sessions.getSessionInformation(t.httpSession);
        return info == null || info.isExpired();
    }

    List<TerminalSession> all() {
        List<TerminalSession> all = new ArrayList<>();
        open.values().forEach(page -> page.values().stream().filter(t -> !t.ended()).forEach(all::add));
        return all;
    }

    /** Ends the terminals whose login session is over or that nobody typed into for the idle timeout. */
    private void reap() {
        try {
            for (TerminalSession t : all()) {
                if (sessionOver(t)) {
                    t.end("the login session ended", null);
                } else if (t.idleNanos() > settings.idleTimeout().toNanos()) {
                    t.end("idle for " + settings.idleTimeout().toMinutes() + " min (hostdeck.terminal.idle-timeout)", null);
                }
            }
        } catch (RuntimeException e) {
            log.warn("terminal reaper: {}", e.toString());
        }
    }

    /** Deletes recordings older than {@code hostdeck.terminal.retention} (0 keeps them all). */
    void sweepRecordings() {
        if (settings.retention().isZero()) {
            return;
        }
        Path dir = actions.recordings();
        if (!Files.isDirectory(dir)) {
            return;
        }
        Instant before = Instant.now().minus(settings.retention());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.cast")) {
            for (Path f : files) {
                if (Files.getLastModifiedTime(f).toInstant().isBefore(before)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot sweep the terminal recordings in {}: {}", dir, e.toString());
        }
    }

    @Override
    public void destroy() {
        reaper.shutdownNow();
        all().forEach(t -> t.end("Hostdeck is stopping", null));
    }

    private static String address(WebSocketSession ws) {
        InetSocketAddress a = ws.getRemoteAddress();
        return a == null ? "-" : a.getAddress().getHostAddress();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
