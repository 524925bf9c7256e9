package io.hostdeck.host.namespaces;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;

/**
 * Runs a command inside a process's namespaces, as {@code nsenter -t PID -a} does, with an argument
 * array (no shell), bounded in time and output. The namespaces are named by their files under the
 * target's /proc, so this also works when the target's PIDs are not ours. nsenter is a separate,
 * single-threaded process: a JVM cannot join a mount or user namespace.
 */
@Component
public class NsExec {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    public static final int MAX_OUTPUT = 64 * 1024;

    private final Path proc;

    public NsExec(HostProperties host) {
        this.proc = host.proc();
    }

    /** What the command printed (stdout and stderr together), its exit code, and whether it was cut short. */
    public record Result(int exitCode, String output, boolean truncated, boolean timedOut) {
    }

    public Result run(ProcessInfo target, List<NsType> enter, List<String> argv) {
        Path dir = proc.resolve(Long.toString(target.pid()));
        List<String> cmd = new ArrayList<>(List.of("nsenter"));
        for (NsType t : enter) {
            cmd.add(t.nsenterOption() + "=" + dir.resolve("ns").resolve(t.file()));
        }
        cmd.add("--root=" + dir.resolve("root"));
        cmd.add("--wd=" + dir.resolve("cwd"));
        cmd.add("--");
        cmd.addAll(argv);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new HostUnavailableException("cannot run nsenter: " + e.getMessage(), e);
        }
        try (InputStream out = p.getInputStream()) {
            p.getOutputStream().close();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            byte[] chunk = new byte[8192];
            boolean truncated = false;
            while (System.nanoTime() < deadline) {
                if (out.available() > 0 || !p.isAlive()) {
                    int n = out.read(chunk);
                    if (n < 0) {
                        break;
                    }
                    int keep = Math.min(n, MAX_OUTPUT - buf.size());
                    buf.write(chunk, 0, keep);
                    if (keep < n) {
                        truncated = true;
                        break;
                    }
                } else {
                    Thread.sleep(10);
                }
            }
            boolean ended = p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!ended) {
                p.descendants().forEach(ProcessHandle::destroyForcibly); // nsenter's child in the PID namespace
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
            }
            return new Result(ended ? p.exitValue() : -1, buf.toString(StandardCharsets.UTF_8), truncated, !ended);
        } catch (IOException e) {
            throw new HostUnavailableException("reading the command's output failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostUnavailableException("interrupted while running the command", e);
        } finally {
            p.destroyForcibly();
        }
    }
}
