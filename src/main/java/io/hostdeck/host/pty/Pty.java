package io.hostdeck.host.pty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.jna.LastErrorException;

/**
 * A shell on a pseudo-terminal: what it prints, what it is typed, its window size, and an end that
 * leaves none of its processes behind (SIGHUP as a closing terminal sends, then SIGKILL).
 */
public final class Pty implements AutoCloseable {

    public static final int MAX_COLUMNS = 1000;
    public static final int MAX_ROWS = 500;
    private static final int SIGHUP = 1;

    private final int master;
    private final int pid;
    private final List<String> argv;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final InputStream output = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            byte[] buf = off == 0 ? b : new byte[len];
            while (true) {
                if (closed.get()) {
                    return -1;
                }
                try {
                    long n = PtyNative.C.INSTANCE.read(master, buf, Math.min(len, b.length - off));
                    if (n <= 0) {
                        return -1;
                    }
                    if (buf != b) {
                        System.arraycopy(buf, 0, b, off, (int) n);
                    }
                    return (int) n;
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == PtyNative.EINTR) {
                        continue;
                    }
                    return -1; // EIO: every process of the terminal has closed it
                }
            }
        }
    };
    private final OutputStream input = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            byte[] rest = off == 0 && len == b.length ? b : java.util.Arrays.copyOfRange(b, off, off + len);
            while (rest.length > 0) {
                if (closed.get()) {
                    throw new IOException("the terminal is closed");
                }
                try {
                    int n = (int) PtyNative.C.INSTANCE.write(master, rest, rest.length);
                    rest = java.util.Arrays.copyOfRange(rest, n, rest.length);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != PtyNative.EINTR) {
                        throw new IOException("writing to the terminal: errno " + e.getErrorCode());
                    }
                }
            }
        }
    };

    private Pty(int master, int pid, List<String> argv) {
        this.master = master;
        this.pid = pid;
        this.argv = List.copyOf(argv);
        Thread waiter = new Thread(() -> exit.complete(PtyNative.helper().wait_for_child_process_exit(pid)),
                "pty-wait-" + pid);
        waiter.setDaemon(true);
        waiter.start();
    }

    /** Starts {@code argv} (its first element a command found on the environment's PATH) on a new pty. */
    static Pty start(List<String> argv, Map<String, String> env, int columns, int rows) {
        PtyNative.Opened pty = PtyNative.open();
        try {
            PtyNative.C.INSTANCE.ioctl(pty.master(), PtyNative.TIOCSWINSZ, new PtyNative.WinSize(columns, rows));
            int pid = PtyNative.helper().exec_pty(argv.get(0), PtyNative.array(argv), PtyNative.environment(env), "/",
                    pty.slave(), pty.master(), null, -1, false);
            if (pid <= 0) {
                throw new IllegalStateException("could not start " + argv.get(0));
            }
            return new Pty(pty.master(), pid, argv);
        } catch (RuntimeException e) {
            PtyNative.C.INSTANCE.close(pty.master());
            throw e;
        }
    }

    /** The command that runs on it, for the audit trail. */
    public List<String> argv() {
        return argv;
    }

    public long pid() {
        return pid;
    }

    /** What the shell prints (the pty's master side); -1 once every process of it has gone. */
    public InputStream output() {
        return output;
    }

    /** What is typed into it. */
    public OutputStream input() {
        return input;
    }

    public void resize(int columns, int rows) {
        if (columns < 1 || columns > MAX_COLUMNS || rows < 1 || rows > MAX_ROWS) {
            throw new IllegalArgumentException("a terminal of " + columns + "x" + rows + " is outside 1x1.."
                    + MAX_COLUMNS + "x" + MAX_ROWS);
        }
        if (!closed.get()) {
            PtyNative.C.INSTANCE.ioctl(master, PtyNative.TIOCSWINSZ, new PtyNative.WinSize(columns, rows));
        }
    }

    /** Completes with its exit code when the process on it has ended. */
    public CompletableFuture<Integer> exited() {
        return exit.copy();
    }

    public boolean alive() {
        return !exit.isDone();
    }

    /** Its exit code (128 + the signal for a killed one), waiting at most {@code millis}; -1 if it is still running. */
    public int waitFor(long millis) throws InterruptedException {
        try {
            return exit.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return -1;
        } catch (ExecutionException e) {
            return -1;
        }
    }

    /** Hangs up every process of it, then kills what is left a moment later, and closes the pty. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(h -> {
            all.addAll(h.descendants().toList());
            all.add(h);
        });
        for (ProcessHandle h : all) {
            try {
                PtyNative.C.INSTANCE.kill((int) h.pid(), SIGHUP);
            } catch (LastErrorException e) {
                // gone already
            }
        }
        try {
            exit.get(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // killed below
        }
        for (ProcessHandle h : all) {
            h.destroyForcibly();
        }
        try {
            exit.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the waiter reaps it whenever it goes
        }
        PtyNative.C.INSTANCE.close(master);
    }
}
