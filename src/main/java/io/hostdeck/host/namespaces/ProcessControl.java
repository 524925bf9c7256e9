package io.hostdeck.host.namespaces;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;

import io.hostdeck.error.ConflictException;
import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;
import io.hostdeck.host.jna.LibC;

/**
 * Signals processes through a handle on the process itself, never by PID: a directory fd of
 * {@code <root>/proc/PID} is a pidfd for pidfd_send_signal(2) (Linux 5.3+), and it keeps meaning
 * that process after it exits, so a PID the kernel has handed to a new process is never hit. Each
 * handle is checked against the start time seen when the process was found. This also works when
 * the target's PID namespace is not ours (a container's systemd), where a PID would mean another
 * process.
 */
@Component
public class ProcessControl {

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private final Path proc;

    public ProcessControl(HostProperties host) {
        this.proc = host.proc();
    }

    /** How a stop ended. */
    public enum Ending { ENDED_BY_SIGTERM, ENDED_BY_SIGKILL, ALREADY_GONE, STILL_RUNNING }

    /**
     * SIGTERM to each process, then SIGKILL to those still there after {@code grace}; waits up to
     * 5 s more for them to go.
     *
     * @throws ConflictException when a process is not the one that was found (its PID was reused)
     */
    public Ending stop(List<ProcessInfo> processes, Duration grace) {
        List<Handle> handles = new ArrayList<>();
        try {
            for (ProcessInfo p : processes) {
                Handle h = Handle.open(proc, p);
                if (h != null) {
                    handles.add(h);
                }
            }
            if (handles.isEmpty()) {
                return Ending.ALREADY_GONE;
            }
            handles.forEach(h -> h.signal(SIGTERM));
            if (waitGone(handles, grace)) {
                return Ending.ENDED_BY_SIGTERM;
            }
            handles.forEach(h -> h.signal(SIGKILL));
            return waitGone(handles, Duration.ofSeconds(5)) ? Ending.ENDED_BY_SIGKILL : Ending.STILL_RUNNING;
        } finally {
            handles.forEach(Handle::close);
        }
    }

    private static boolean waitGone(List<Handle> handles, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            if (handles.stream().noneMatch(Handle::alive)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** An open /proc/PID directory: the process itself, whatever happens to its PID. */
    private static final class Handle {
        private final int fd;
        private final long pid;

        private Handle(int fd, long pid) {
            this.fd = fd;
            this.pid = pid;
        }

        /** The process's handle, null when it is gone; refuses one whose start time differs. */
        static Handle open(Path proc, ProcessInfo p) {
            int fd;
            try {
                fd = LibC.INSTANCE.open(proc.resolve(Long.toString(p.pid())).toString(),
                        LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.ENOENT || e.getErrorCode() == LibC.ESRCH) {
                    return null;
                }
                throw new HostUnavailableException("cannot open " + proc + "/" + p.pid() + ": errno " + e.getErrorCode(), e);
            }
            Handle h = new Handle(fd, p.pid());
            String stat = h.stat();
            if (stat == null || state(stat) == 'Z') {
                h.close();
                return null;
            }
            long start = NamespaceScanner.startTicks(stat);
            if (start != p.startTicks()) {
                h.close();
                throw new ConflictException("process " + p.pid() + " is not the one that was listed (it started at "
                        + start + " ticks after boot, not " + p.startTicks() + "): its PID was reused; reload the page");
            }
            return h;
        }

        /** The process's /proc/PID/stat, read through the handle, or null once it has exited and been reaped. */
        String stat() {
            int statFd;
            try {
                statFd = LibC.INSTANCE.openat(fd, "stat", LibC.O_RDONLY | LibC.O_CLOEXEC);
            } catch (LastErrorException e) {
                return null; // ESRCH: reaped
            }
            try {
                byte[] buf = new byte[1024];
                long n = LibC.INSTANCE.read(statFd, buf, buf.length);
                String stat = new String(buf, 0, (int) Math.max(0, n), StandardCharsets.US_ASCII);
                return stat.lastIndexOf(')') + 2 < stat.length() ? stat : null;
            } catch (LastErrorException e) {
                return null;
            } finally {
                LibC.INSTANCE.close(statFd);
            }
        }

        /** The state letter after the command in parentheses: R, S, D, Z, ... */
        static char state(String stat) {
            return stat.charAt(stat.lastIndexOf(')') + 2);
        }

        /** Alive and not a zombie. */
        boolean alive() {
            String s = stat();
            return s != null && state(s) != 'Z' && state(s) != 'X';
        }

        void signal(int signal) {
            try {
                LibC.INSTANCE.syscall(LibC.SYS_PIDFD_SEND_SIGNAL, fd, signal, Pointer.NULL, 0);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.ESRCH) {
                    throw new HostUnavailableException("cannot signal process " + pid + ": errno " + e.getErrorCode(), e);
                }
            }
        }

        void close() {
            try {
                LibC.INSTANCE.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to do about a failed close of a /proc directory
            }
        }
    }
}
