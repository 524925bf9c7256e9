package io.hostdeck.live;

import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.security.Grants;
import io.hostdeck.error.ConflictException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.security.core.Authentication;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The page's live channel. Messages are JSON objects with a {@code type}: {@code ping}, and
 * {@code subscribe} with a {@code topic} and, for some topics, an {@code arg}. Anything it cannot
 * read gets an {@code error} that says why, and the connection stays open.
 */
@Component
class LiveHandler extends TextWebSocketHandler implements org.springframework.beans.factory.DisposableBean {

    static final int MAX_MESSAGE_CHARS = 4096;
    /** At most this many streams one page follows at once. */
    static final int MAX_SUBSCRIPTIONS = 64;
    /** How often every open socket's grant is checked again, also when its page sends nothing. */
    static final long SWEEP_SECONDS = 5;

    private final JsonMapper json;
    private final LiveHub hub;
    private final Map<String, LiveTopic> topics;
    private final Grants grants;
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-grant-sweep");
        t.setDaemon(true);
        return t;
    });

    /** An open socket: its grant as last checked, and what it follows (key to topic and argument). */
    private static final class Live {
        final WebSocketSession session;
        volatile Authentication grant;
        final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

        Live(WebSocketSession session, Authentication grant) {
            this.session = session;
            this.grant = grant;
        }
    }

    private record Subscription(LiveTopic topic, String argument) {
    }

    LiveHandler(JsonMapper json, LiveHub hub, List<LiveTopic> topics, Grants grants) {
        this.json = json;
        this.hub = hub;
        this.grants = grants;
        this.topics = topics.stream().collect(Collectors.toUnmodifiableMap(LiveTopic::name, Function.identity()));
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void destroy() {
        sweeper.shutdownNow();
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        Principal user = session.getPrincipal();
        live.put(session.getId(), new Live(session, user instanceof Authentication a ? a : null));
        hub.opened(session);
        hub.send(session, new Hello(user == null ? "" : user.getName()));
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        live.remove(session.getId());
        hub.closed(session);
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        Live l = live.get(session.getId());
        if (l == null || !recheck(l)) {
            return;
        }
        String text = message.getPayload();
        if (text.length() > MAX_MESSAGE_CHARS) {
            error(session, "message too long: " + text.length() + " characters, at most " + MAX_MESSAGE_CHARS);
            return;
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JacksonException e) {
            error(session, "message is not JSON: " + e.getOriginalMessage());
            return;
        }
        String type = node.path("type").asString("");
        switch (type) {
            case "ping" -> hub.send(session, new Pong());
            case "subscribe" -> subscribe(l, node.path("topic").asString(""), node.path("arg").asString(""));
            case "" -> error(session, "message has no \"type\"");
            default -> error(session, "unknown message type \"" + abbreviate(type) + "\"");
        }
    }

    private void subscribe(Live l, String topicName, String arg) {
        WebSocketSession session = l.session;
        LiveTopic topic = topics.get(topicName);
        if (topic == null) {
            error(session, "unknown topic \"" + abbreviate(topicName) + "\"; topics: " + topics.keySet().stream().sorted().toList());
            return;
        }
        try {
            String key = topic.key(arg);
            topic.authorize(l.grant, arg);
            if (!l.subscriptions.containsKey(key)) {
                if (l.subscriptions.size() >= MAX_SUBSCRIPTIONS) {
                    throw new ConflictException("this page already follows " + MAX_SUBSCRIPTIONS + " streams, the most one"
                            + " page may: reload it");
                }
                int perUser = topic.maxPerUser();
                if (perUser < Integer.MAX_VALUE && followedBy(l.grant, topic, key) >= perUser) {
                    throw new ConflictException("you already follow " + perUser + " different " + topicName
                            + " views, the most one user may: close some pages");
                }
            }
            l.subscriptions.put(key, new Subscription(topic, arg));
            topic.join(key, arg, first -> hub.subscribe(session, key, first));
        } catch (InvalidInputException | io.hostdeck.error.RefusedException e) {
            error(session, topicName + " " + e.getMessage());
        } catch (RuntimeException e) {
            error(session, "cannot follow " + topicName + ": " + e.getMessage());
        }
    }

    /** The distinct streams of {@code topic} that this user's open pages follow, other than {@code key}. */
    private int followedBy(Authentication user, LiveTopic topic, String key) {
        String name = user == null ? "" : user.getName();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Live other : live.values()) {
            if (other.grant != null && other.grant.getName().equals(name)) {
                other.subscriptions.forEach((k, sub) -> {
                    if (sub.topic() == topic && !k.equals(key)) {
                        keys.add(k);
                    }
                });
            }
        }
        return keys.size();
    }

    /**
     * The socket's grant as it is now: a user with none any more is disconnected; a changed grant
     * keeps only the subscriptions it still allows. False when the socket was closed.
     */
    private boolean recheck(Live l) {
        Authentication before = l.grant;
        Optional<Authentication> now = before == null ? Optional.empty() : grants.refresh(before);
        if (now.isEmpty()) {
            live.remove(l.session.getId());
            hub.closed(l.session);
            try {
                l.session.close(CloseStatus.POLICY_VIOLATION.withReason("your grant here was revoked"));
            } catch (IOException | RuntimeException e) {
                // closing a socket that is already going: nothing more to do
            }
            return false;
        }
        if (now.get() != before) {
            l.grant = now.get();
            l.subscriptions.forEach((key, sub) -> {
                try {
                    sub.topic().authorize(l.grant, sub.argument());
                } catch (RuntimeException e) {
                    l.subscriptions.remove(key);
                    hub.unsubscribe(l.session, key);
                    error(l.session, sub.topic().name() + " no longer followed: " + e.getMessage());
                }
            });
        }
        return true;
    }

    private void sweep() {
        for (Live l : live.values()) {
            try {
                recheck(l);
            } catch (RuntimeException e) {
                // one socket's trouble must not stop the others' checks
            }
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) throws IOException {
        live.remove(session.getId());
        hub.closed(session);
        session.close(CloseStatus.SERVER_ERROR);
    }

    private void error(WebSocketSession session, String message) {
        hub.send(session, new Problem(message));
    }

    record Hello(String type, String user) {
        Hello(String user) {
            this("hello", user);
        }
    }

    record Pong(String type) {
        Pong() {
            this("pong");
        }
    }

    record Problem(String type, String message) {
        Problem(String message) {
            this("error", message);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
