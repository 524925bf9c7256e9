package io.hostdeck.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.hostdeck.testbed.Testbed;

/**
 * Real traffic on the testbed's loopback (its own network namespace): a socket unit that takes
 * every connection into {@code cat > /dev/null}, and a transient unit writing about 20 MB a second
 * into it for up to 30 s, with bash's {@code /dev/tcp}. {@link #close} stops both and removes the files.
 */
public final class LoopbackTraffic implements AutoCloseable {

    private static final Duration T = Duration.ofSeconds(30);
    private static final String SOCKET = "hd-sink.socket";
    private static final String RUN = "hd-traffic";
    private final Testbed testbed;

    private LoopbackTraffic(Testbed testbed) {
        this.testbed = testbed;
    }

    /** Starts the flow; it runs until {@link #close} (or 30 s). */
    public static LoopbackTraffic start(Testbed testbed, int port) {
        var traffic = new LoopbackTraffic(testbed);
        try {
            Files.writeString(traffic.unit(SOCKET), "[Socket]\nListenStream=127.0.0.1:" + port + "\nAccept=yes\n");
            Files.writeString(traffic.unit("hd-sink@.service"),
                    "[Service]\nExecStart=/bin/cat\nStandardInput=socket\nStandardOutput=null\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        traffic.ok("systemctl", "daemon-reload");
        traffic.ok("systemctl", "start", SOCKET);
        traffic.ok("systemd-run", "--unit=" + RUN, "--collect", "/bin/bash", "-c",
                "for i in $(seq 1 600); do head -c 1000000 /dev/zero; sleep 0.05; done > /dev/tcp/127.0.0.1/" + port);
        return traffic;
    }

    /** Stops the flow, leaving the sink (so a rate can be seen to fall). */
    public void stopFlow() {
        testbed.exec(T, "systemctl", "stop", RUN + ".service");
    }

    @Override
    public void close() {
        stopFlow();
        testbed.exec(T, "systemctl", "stop", SOCKET);
        try {
            Files.deleteIfExists(unit(SOCKET));
            Files.deleteIfExists(unit("hd-sink@.service"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        testbed.exec(T, "systemctl", "daemon-reload");
    }

    private void ok(String... argv) {
        var r = testbed.exec(T, argv);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + r.stderr());
        }
    }

    private Path unit(String name) {
        return testbed.root().resolve("etc/systemd/system/" + name);
    }
}
