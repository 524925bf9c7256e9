package io.hostdeck.terminal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One open terminal: a reader thread sends what the shell prints to the page, a writer thread types
 * what the page sends into it. Both are bounded, so no page can make the app hold more than a
 * little for it: output waits for the page to acknowledge what it has drawn (at most
 * {@link #WINDOW_MESSAGES} messages or {@link #WINDOW_BYTES} ahead; a page silent for the stall
 * timeout ends the terminal), and input typed more than {@link #MAX_PENDING_INPUT} ahead of the
 * shell ends it too.
 */
final class TerminalSession {

    static final int WINDOW_MESSAGES = 32;
    static final int WINDOW_BYTES = 256 * 1024;
    static final int MAX_PENDING_INPUT = 1024 * 1024;
    private static final int CHUNK = 16 * 1024;

    /** What a page receives: the shell's output, numbered for acknowledgement. */
    record Output(String type, String id, long seq, String data) {
        Output(String id, long seq, String data) {
            this("term.out", id, seq, data);
        }
    }

    /** The terminal's end (or a refusal to open it), with why. */
    record Exit(String type, String id, String reason, Integer code) {
        Exit(String id, String reason, Integer code) {
            this("term.exit", id, reason, code);
        }
    }

    record Opened(String type, String id, String target, String as, String recording) {
        Opened(String id, String target, String as, String recording) {
            this("term.opened", id, target, as, recording);
        }
    }

    final String id;
    final String user;
    final String address;
    final String httpSession;
    final TerminalActions.Started started;
    private final Consumer<Object> send;
    private final BiConsumer<TerminalSession, String> onEnd;
    private final Duration stallTimeout;
    private final LinkedBlockingQueue<byte[]> input = new LinkedBlockingQueue<>();
    private final AtomicLong pendingInput = new AtomicLong();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Object window = new Object();
    private long sent;
    private long acked;
    private long unackedBytes;
    private final java.util.ArrayDeque<long[]> inFlight = new java.util.ArrayDeque<>(); // {seq, bytes}
    private volatile long lastInput = System.nanoTime();
    private Thread reader;
    private Thread writer;

    TerminalSession(String id, String user, String address, String httpSession, TerminalActions.Started started,
            Duration stallTimeout, Consumer<Object> send, BiConsumer<TerminalSession, String> onEnd) {
        this.id = id;
        this.user = user;
        this.address = address;
        this.httpSession = httpSession;
        this.started = started;
        this.stallTimeout = stallTimeout;
        this.send = send;
        this.onEnd = onEnd;
    }

    void start() {
        send.accept(new Opened(id, started.target(), started.account(), started.recording()));
        reader = new Thread(this::readLoop, "terminal-out-" + id);
        writer = new Thread(this::writeLoop, "terminal-in-" + id);
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
        // the shell's end ends the terminal, even when a process it left behind holds the pty open;
        // a moment first, for the reader to send what it printed last
        started.pty().exited().thenAcceptAsync(code -> end("the shell exited with " + code, code),
                java.util.concurrent.CompletableFuture.delayedExecutor(300, java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    boolean ended() {
        return ended.get();
    }

    long idleNanos() {
        return System.nanoTime() - lastInput;
    }

    /** Keystrokes or a paste from the page. */
    void type(String data) {
        if (ended()) {
            return;
        }
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        lastInput = System.nanoTime();
        if (pendingInput.addAndGet(bytes.length) > MAX_PENDING_INPUT) {
            end("input flood: more than " + MAX_PENDING_INPUT / 1024 + " KiB typed ahead of the shell", null);
            return;
        }
        started.recorder().input(bytes.length);
        input.add(bytes);
    }

    void resize(int columns, int rows) {
        started.pty().resize(columns, rows); // throws for a size out of range: the caller ends it
        started.recorder().resize(columns, rows);
        lastInput = System.nanoTime();
    }

    /** The page has drawn every message up to {@code seq}. */
    void ack(long seq) {
        synchronized (window) {
            if (seq <= acked || seq > sent) {
                return;
            }
            acked = seq;
            while (!inFlight.isEmpty() && inFlight.peekFirst()[0] <= seq) {
                unackedBytes -= inFlight.pollFirst()[1];
            }
            window.notifyAll();
        }
    }

    private void readLoop() {
        InputStream out = started.pty().output();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK);
        CharBuffer chars = CharBuffer.allocate(CHUNK + 16);
        try {
            while (!ended()) {
                if (!awaitWindow()) {
                    end("the page stopped reading the terminal's output for " + stallTimeout.toSeconds() + " s", null);
                    return;
                }
                int n = out.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    break;
                }
                bytes.position(bytes.position() + n);
                bytes.flip();
                chars.clear();
                decoder.decode(bytes, chars, false); // a character cut by the read waits for its rest
                bytes.compact();
                chars.flip();
                if (chars.hasRemaining()) {
                    String text = chars.toString();
                    started.recorder().output(text, n);
                    if (started.recorder().failed()) {
                        end("the recording could not be written", null);
                        return;
                    }
                    long seq;
                    synchronized (window) {
                        seq = ++sent;
                        unackedBytes += n;
                        inFlight.addLast(new long[] {seq, n});
                    }
                    send.accept(new Output(id, seq, text));
                }
            }
        } catch (IOException e) {
            // the pty's other side closed: the shell has gone (Linux reads EIO there)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the page is close enough behind; false when it stayed silent for the stall timeout. */
    private boolean awaitWindow() throws InterruptedException {
        long deadline = System.nanoTime() + stallTimeout.toNanos();
        synchronized (window) {
            while (!ended() && (sent - acked >= WINDOW_MESSAGES || unackedBytes >= WINDOW_BYTES)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                window.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    private void writeLoop() {
        OutputStream in = started.pty().input();
        try {
            while (!ended()) {
                byte[] next = input.take();
                in.write(next);
                in.flush();
                pendingInput.addAndGet(-next.length);
            }
        } catch (IOException e) {
            // the shell has gone; the reader reports its end
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends it once: the shell and its processes, the recording, the page's terminal, the audit record. */
    void end(String reason, Integer code) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        synchronized (window) {
            window.notifyAll();
        }
        if (writer != null) {
            writer.interrupt();
        }
        Thread closer = new Thread(() -> {
            started.pty().close();
            if (reader != null && reader != Thread.currentThread()) {
                reader.interrupt();
            }
            started.recorder().close();
            send.accept(new Exit(id, reason, code));
            onEnd.accept(this, reason);
        }, "terminal-end-" + id);
        closer.setDaemon(true);
        closer.start();
    }

    Instant startedAt() {
        return started.at();
    }
}
