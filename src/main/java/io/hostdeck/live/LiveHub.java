package io.hostdeck.live;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

import tools.jackson.databind.json.JsonMapper;

/**
 * Fans messages out to the sessions subscribed to a stream. Each session sends through a bounded
 * buffer: a client that stalls beyond it is disconnected instead of holding up the publisher or
 * the other clients, and on reconnecting it subscribes again and starts from a fresh snapshot.
 */
@Component
public class LiveHub {

    static final int SEND_TIME_LIMIT_MS = 5_000;
    static final int BUFFER_LIMIT_BYTES = 512 * 1024;

    private static final Logger log = LoggerFactory.getLogger(LiveHub.class);

    private final JsonMapper json;
    private final Map<String, WebSocketSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> subscribers = new ConcurrentHashMap<>();

    LiveHub(JsonMapper json) {
        this.json = json;
    }

    /** Sends a message to every session that follows {@code key}. */
    public void publish(String key, Object message) {
        Set<String> ids = subscribers.get(key);
        if (ids == null || ids.isEmpty()) {
            return;
        }
        TextMessage text = new TextMessage(json.writeValueAsString(message));
        for (String id : ids) {
            WebSocketSession s = sessions.get(id);
            if (s != null) {
                send(s, text);
            }
        }
    }

    /** The streams that have at least one subscriber and whose key starts with {@code prefix}. */
    public java.util.List<String> followed(String prefix) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        subscribers.forEach((key, ids) -> {
            if (key.startsWith(prefix) && !ids.isEmpty()) {
                keys.add(key);
            }
        });
        return keys;
    }

    /** How many pages have their live channel open now. */
    public int openSessions() {
        return sessions.size();
    }

    public boolean hasSubscribers(String key) {
        Set<String> ids = subscribers.get(key);
        return ids != null && !ids.isEmpty();
    }

    void opened(WebSocketSession session) {
        sessions.put(session.getId(),
                new ConcurrentWebSocketSessionDecorator(session, SEND_TIME_LIMIT_MS, BUFFER_LIMIT_BYTES));
    }

    void closed(WebSocketSession session) {
        sessions.remove(session.getId());
        subscribers.values().forEach(ids -> ids.remove(session.getId()));
    }

    void subscribe(WebSocketSession session, String key, Object snapshot) {
        WebSocketSession s = sessions.get(session.getId());
        if (s == null) {
            return;
        }
        // join first, then send the snapshot: an update published in between may arrive before
        // the snapshot, which is harmless because every message carries whole states, not deltas
        subscribers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(session.getId());
        send(s, new TextMessage(json.writeValueAsString(snapshot)));
    }

    void send(WebSocketSession session, Object message) {
        WebSocketSession s = sessions.getOrDefault(session.getId(), session);
        send(s, new TextMessage(json.writeValueAsString(message)));
    }

    private void send(WebSocketSession s, TextMessage text) {
        try {
            s.sendMessage(text);
        } catch (IOException | IllegalStateException e) {
            // SessionLimitExceededException (a stalled client) lands here too
            log.info("dropping live session {}: {}", s.getId(), e.getMessage());
            closed(s);
            try {
                s.close(CloseStatus.SESSION_NOT_RELIABLE);
            } catch (IOException | IllegalStateException ignored) {
                // already gone
            }
        }
    }
}
