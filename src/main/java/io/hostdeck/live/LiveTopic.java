package io.hostdeck.live;

/**
 * Something a page can follow over its WebSocket. Features implement it: {@link #key} checks the
 * subscription's argument (a forged unit name is refused there) and names the stream,
 * {@link #snapshot} is the current state a new subscriber gets first, so it never misses what
 * happened before it arrived or while it was disconnected.
 */
public interface LiveTopic {

    /** The topic's name in subscribe messages, e.g. {@code units}. */
    String name();

    /** The stream key for a subscription with this argument; throws InvalidInputException for a bad one. */
    String key(String argument);

    /** The state a subscriber starts from, as a message. */
    Object snapshot(String key);
}
