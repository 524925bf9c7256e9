package io.hostdeck.terminal;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.hostdeck.support.WebSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A page's live socket used the way terminal.js uses it: opens one terminal, types, acknowledges
 * what it receives (unless told not to), and collects the output and the end.
 */
final class TermClient implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    final String id;
    private final WebSocket ws;
    private final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final StringBuilder output = new StringBuilder();
    private final boolean acks;
    JsonNode opened;
    JsonNode exit;

    /** {@code reads}: false makes a client that stops reading its socket after the first messages. */
    TermClient(WebSession web, String id, boolean acks, boolean reads) throws Exception {
        this.id = id;
        this.acks = acks;
        ws = web.openLive(new WebSocket.Listener() {
                    private final StringBuilder part = new StringBuilder();
                    private int seen;

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        part.append(data);
                        if (last) {
                            messages.add(JSON.readTree(part.toString()));
                            part.setLength(0);
                            seen++;
                        }
                        if (reads || seen < 3) {
                            socket.request(1);
                        }
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    TermClient(WebSession web, String id) throws Exception {
        this(web, id, true, true);
    }

    void send(ObjectNode message) {
        ws.sendText(JSON.writeValueAsString(message), true).join();
    }

    ObjectNode message(String type) {
        return JSON.createObjectNode().put("type", type).put("id", id);
    }

    void open(String kind, String container, int cols, int rows) {
        send(message("term.open").put("kind", kind).put("container", container).put("cols", cols).put("rows", rows));
    }

    void type(String text) {
        send(message("term.in").put("data", text));
    }

    void sendBinary() {
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
    }

    /** Waits for the terminal to open; fails with what came instead. */
    JsonNode awaitOpened() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (opened == null && exit == null && System.nanoTime() < deadline) {
            take(100);
        }
        if (opened == null) {
            throw new AssertionError("terminal " + id + " did not open: " + exit);
        }
        return opened;
    }

    /** Waits until the output so far contains {@code text}; returns all of it. */
    String awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (output.indexOf(text) < 0 && System.nanoTime() < deadline) {
            take(100);
            if (exit != null && messages.isEmpty()) {
                break;
            }
        }
        if (output.indexOf(text) < 0) {
            throw new AssertionError("no '" + text + "' in the output of " + id + " (end: " + exit + "):\n" + output);
        }
        return output.toString();
    }

    /** Waits for the terminal's end (or refusal) and returns it. */
    JsonNode awaitExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (exit == null && System.nanoTime() < deadline) {
            take(100);
        }
        if (exit == null) {
            throw new AssertionError("terminal " + id + " did not end within " + timeout + "; output:\n" + output);
        }
        return exit;
    }

    String output() {
        return output.toString();
    }

    private void take(long millis) throws InterruptedException {
        JsonNode m = messages.poll(millis, TimeUnit.MILLISECONDS);
        if (m == null || !id.equals(m.path("id").asString(""))) {
            return;
        }
        switch (m.path("type").asString("")) {
            case "term.opened" -> opened = m;
            case "term.out" -> {
                output.append(m.path("data").asString(""));
                if (acks && !ws.isOutputClosed()) {
                    ws.sendText(JSON.writeValueAsString(message("term.ack").put("seq", m.path("seq").asLong())), true);
                }
            }
            case "term.exit" -> exit = m;
            default -> { }
        }
    }

    boolean socketOpen() {
        return !ws.isInputClosed() && !ws.isOutputClosed();
    }

    @Override
    public void close() {
        ws.abort();
    }
}
