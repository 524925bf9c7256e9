package io.hostdeck.live;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

import tools.jackson.databind.json.JsonMapper;

/**
 * Fans messages out to the sessions subscribed to a stream. Publishing only enqueues into each
 * session's {@link Outbox}, so the sampler or the signal thread never waits for a socket; a
 * small pool writes, and a client that stalls is disconnected instead of growing a queue.
 */
@Component
public class LiveHub implements DisposableBean {

    static final int WRITERS = 4;

    private static final Logger log = LoggerFactory.getLogger(LiveHub.class);

    private final JsonMapper json;
    private final Map<String, Outbox> sessions = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> subscribers = new ConcurrentHashMap<>();
    private final ExecutorService writers = Executors.newFixedThreadPool(WRITERS, r -> {
        Thread t = new Thread(r, "live-writer");
        t.setDaemon(true);
        return t;
    });

    LiveHub(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void destroy() {
        writers.shutdownNow();
    }

    /** Sends a message to every session that follows {@code key}. */
    public void publish(String key, Object message) {
        Set<String> ids = subscribers.get(key);
        if (ids == null || ids.isEmpty()) {
            return;
        }
        TextMessage text = new TextMessage(json.writeValueAsString(message));
        for (String id : ids) {
            Outbox out = sessions.get(id);
            if (out != null) {
                out.offer(text);
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
        sessions.put(session.getId(), new Outbox(session, writers, () -> {
            log.info("dropped live session {}: a send failed, or it fell {} messages behind", session.getId(), Outbox.LIMIT);
            forget(session.getId());
        }));
    }

    void closed(WebSocketSession session) {
        Outbox out = sessions.get(session.getId());
        if (out != null) {
            out.close();
        }
        forget(session.getId());
    }

    private void forget(String id) {
        sessions.remove(id);
        subscribers.values().forEach(ids -> ids.remove(id));
    }

    void subscribe(WebSocketSession session, String key, Object snapshot) {
        Outbox out = sessions.get(session.getId());
        if (out == null) {
            return;
        }
        // join first, then send the snapshot: an update published in between may arrive before
        // the snapshot, which is harmless because every message carries whole states, not deltas
        subscribers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(session.getId());
        out.offer(new TextMessage(json.writeValueAsString(snapshot)));
    }

    /** Stops sending {@code key}'s messages to the session (its grant no longer covers them). */
    void unsubscribe(WebSocketSession session, String key) {
        Set<String> ids = subscribers.get(key);
        if (ids != null) {
            ids.remove(session.getId());
        }
    }

    void send(WebSocketSession session, Object message) {
        Outbox out = sessions.get(session.getId());
        if (out != null) {
            out.offer(new TextMessage(json.writeValueAsString(message)));
        }
    }
}
