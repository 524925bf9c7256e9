package io.hostdeck.live;

import java.util.function.Consumer;

/**
 * Something a page can follow over its WebSocket. Features implement it: {@link #key} checks the
 * subscription's argument (a forged unit name is refused there) and names the stream,
 * {@link #snapshot} is the current state a new subscriber gets first, so it never misses what
 * happened before it arrived or while it was disconnected.
 */
public interface LiveTopic {

    /** The topic's name in subscribe messages, e.g. {@code units}. */
    String name();

    /**
     * Refuses ({@link io.hostdeck.error.RefusedException}) a subscription that {@code grant} may not
     * follow. By default a topic is for grants over every unit; a topic about one unit, cgroup or
     * log view overrides this with its feature's rule, next to the feature that owns it. Called at
     * every subscription and again whenever the subscriber's grant changes.
     */
    default void authorize(org.springframework.security.core.Authentication grant, String argument) {
        io.hostdeck.security.Scope.of(grant).requireAll("following " + name());
    }

    /** At most this many different streams of this topic one user follows at once (over all their pages). */
    default int maxPerUser() {
        return Integer.MAX_VALUE;
    }

    /** The stream key for a subscription with this argument; throws InvalidInputException for a bad one. */
    String key(String argument);

    /** The state a subscriber starts from, as a message. */
    Object snapshot(String key);

    /**
     * Joins a subscriber to the stream: {@code subscribe} adds it and sends it its first message. A
     * topic whose messages are whole states does that with the {@link #snapshot}. A topic whose
     * messages are additions (log entries) overrides this: it works out what this subscriber
     * missed (from its argument, e.g. the last entry it has) and calls {@code subscribe} while
     * holding the lock its publisher holds, so no message falls between the two or arrives twice.
     */
    default void join(String key, String argument, Consumer<Object> subscribe) {
        subscribe.accept(snapshot(key));
    }
}
