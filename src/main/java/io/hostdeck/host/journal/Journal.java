package io.hostdeck.host.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;

/**
 * The target's journal through journalctl, with an argument array (never a shell), the target's
 * root, and bounds on time and output.
 */
@Component
public class Journal {

    static final long TIMEOUT_SECONDS = 10;
    static final int MAX_BYTES = 256 * 1024;

    private final HostProperties host;

    public Journal(HostProperties host) {
        this.host = host;
    }

    /** The last {@code lines} entries of a unit, oldest first, in journalctl's short-iso format. */
    public List<String> tail(String unit, int lines) {
        List<String> argv = List.of("journalctl", "--root=" + host.rootPath(), "--unit=" + unit,
                "--lines=" + lines, "--output=short-iso", "--no-pager", "--quiet");
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new HostUnavailableException("cannot run journalctl: " + e.getMessage(), e);
        }
        try (InputStream out = p.getInputStream()) {
            p.getOutputStream().close();
            byte[] bytes = out.readNBytes(MAX_BYTES);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new HostUnavailableException("journalctl did not answer within " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                String err = new String(p.getErrorStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
                throw new HostUnavailableException("journalctl failed (exit " + p.exitValue() + "): " + err);
            }
            List<String> result = new ArrayList<>();
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    result.add(line);
                }
            }
            return result;
        } catch (IOException e) {
            throw new HostUnavailableException("reading journalctl's output failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostUnavailableException("interrupted while reading the journal", e);
        } finally {
            p.destroyForcibly();
        }
    }
}
