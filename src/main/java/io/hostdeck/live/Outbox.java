package io.hostdeck.live;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * One session's outgoing messages: publishers only enqueue (they never block on a socket); a
 * shared pool writes them out, one at a time and in order. A client that falls {@link #LIMIT}
 * messages behind is disconnected: on reconnecting it subscribes again and starts from a fresh
 * snapshot, so it gets the latest state instead of a growing queue.
 */
final class Outbox {

    static final int LIMIT = 256;

    private final WebSocketSession session;
    private final Executor writers;
    private final Runnable onDrop;
    private final ConcurrentLinkedQueue<TextMessage> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();
    private volatile boolean closed;

    Outbox(WebSocketSession session, Executor writers, Runnable onDrop) {
        this.session = session;
        this.writers = writers;
        this.onDrop = onDrop;
    }

    void offer(TextMessage message) {
        if (closed) {
            return;
        }
        if (size.incrementAndGet() > LIMIT) {
            drop(CloseStatus.SESSION_NOT_RELIABLE);
            return;
        }
        queue.add(message);
        if (writing.compareAndSet(false, true)) {
            writers.execute(this::write);
        }
    }

    private void write() {
        try {
            TextMessage next;
            while (!closed && (next = queue.poll()) != null) {
                size.decrementAndGet();
                session.sendMessage(next);
            }
        } catch (IOException | RuntimeException e) {
            drop(CloseStatus.SESSION_NOT_RELIABLE);
        } finally {
            writing.set(false);
        }
        // a message offered while this writer was finishing must not wait for the next one
        if (!closed && !queue.isEmpty() && writing.compareAndSet(false, true)) {
            writers.execute(this::write);
        }
    }

    void close() {
        closed = true;
        queue.clear();
    }

    private void drop(CloseStatus status) {
        if (closed) {
            return;
        }
        close();
        onDrop.run();
        try {
            session.close(status);
        } catch (IOException | RuntimeException e) {
            // gone already
        }
    }
}
