package io.hostdeck.live;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import tools.jackson.databind.JsonNode;

/**
 * A feature that takes messages of its own on the live channel (a terminal's keystrokes), every
 * type starting with its {@link #prefix}; it answers through {@link LiveHub#send}, and hears when a
 * page's socket closes.
 */
public interface LiveMessages {

    /** The start of every message type it takes, e.g. {@code term.} */
    String prefix();

    void receive(WebSocketSession session, JsonNode message);

    void closed(WebSocketSession session, CloseStatus status);
}
