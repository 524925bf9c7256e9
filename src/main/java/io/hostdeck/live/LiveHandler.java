package io.hostdeck.live;

import java.io.IOException;
import java.security.Principal;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The page's live channel. Messages are JSON objects with a {@code type}. For now it greets the
 * page and answers {@code ping}; the live features (unit states, cgroup numbers, journal follow)
 * add their topics here. Anything it cannot read gets an {@code error} that says why, and the
 * connection stays open.
 */
@Component
class LiveHandler extends TextWebSocketHandler {

    static final int MAX_MESSAGE_CHARS = 4096;

    private final JsonMapper json;

    LiveHandler(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws IOException {
        Principal user = session.getPrincipal();
        send(session, new Hello(user == null ? "" : user.getName()));
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
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
            case "ping" -> send(session, new Pong());
            case "" -> error(session, "message has no \"type\"");
            default -> error(session, "unknown message type \"" + abbreviate(type) + "\"");
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) throws IOException {
        session.close(CloseStatus.SERVER_ERROR);
    }

    private void error(WebSocketSession session, String message) throws IOException {
        send(session, new Problem(message));
    }

    private void send(WebSocketSession session, Object message) throws IOException {
        // one writer at a time per session: WebSocketSession.sendMessage is not thread-safe
        synchronized (session) {
            session.sendMessage(new TextMessage(json.writeValueAsString(message)));
        }
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
