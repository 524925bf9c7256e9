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
import io.hostdeck.security.Scope;
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
class LiveHandler extends TextWebSocketHandler {

    static final int MAX_MESSAGE_CHARS = 4096;

    private final JsonMapper json;
    private final LiveHub hub;
    private final Map<String, LiveTopic> topics;

    LiveHandler(JsonMapper json, LiveHub hub, List<LiveTopic> topics) {
        this.json = json;
        this.hub = hub;
        this.topics = topics.stream().collect(Collectors.toUnmodifiableMap(LiveTopic::name, Function.identity()));
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        hub.opened(session);
        Principal user = session.getPrincipal();
        hub.send(session, new Hello(user == null ? "" : user.getName()));
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        hub.closed(session);
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
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
            case "subscribe" -> subscribe(session, node.path("topic").asString(""), node.path("arg").asString(""));
            case "" -> error(session, "message has no \"type\"");
            default -> error(session, "unknown message type \"" + abbreviate(type) + "\"");
        }
    }

    private void subscribe(WebSocketSession session, String topicName, String arg) {
        LiveTopic topic = topics.get(topicName);
        if (topic == null) {
            error(session, "unknown topic \"" + abbreviate(topicName) + "\"; topics: " + topics.keySet().stream().sorted().toList());
            return;
        }
        try {
            String key = topic.key(arg);
            checkScope(session, topicName, arg);
            topic.join(key, arg, first -> hub.subscribe(session, key, first));
        } catch (InvalidInputException | io.hostdeck.error.RefusedException e) {
            error(session, topicName + " " + e.getMessage());
        } catch (RuntimeException e) {
            error(session, "cannot follow " + topicName + ": " + e.getMessage());
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) throws IOException {
        hub.closed(session);
        session.close(CloseStatus.SERVER_ERROR);
    }

    /**
     * A grant limited to some units follows only them: a unit of its own, or such a unit's cgroup;
     * the lists of everything are for grants over every unit.
     */
    private static void checkScope(WebSocketSession session, String topic, String arg) {
        Scope scope = session.getPrincipal() instanceof Authentication a ? Scope.of(a) : Scope.of(null);
        if (scope.all()) {
            return;
        }
        switch (topic) {
            case "unit" -> scope.require(arg);
            case "cgroup" -> scope.requireCgroup(arg, io.hostdeck.cgroups.CgroupPaths.unit(arg));
            // its ticks carry no rows: each page then asks for its tables over HTTP, through its grant
            case "fleet" -> { }
            default -> scope.requireAll("following " + topic);
        }
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
