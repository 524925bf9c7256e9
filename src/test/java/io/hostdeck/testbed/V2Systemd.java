package io.hostdeck.testbed;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A second testbed: systemd 252 as PID 1 on a pure cgroup v2 kernel (Debian's 6.1 under qemu,
 * software emulation), with Hostdeck itself running inside as a service, reached from here over a
 * forwarded loopback port. The root file system is the nspawn testbed's image (shared read-only,
 * a tmpfs overlay: pristine each boot); this machine's / is at /host (the JDK). Scripts in
 * {@code src/test/v2systemd}; the kernel is cached like the other testbeds. One boot per suite
 * ({@link #shared()}), started in the background by the first caller so it overlaps other work.
 * Everything there is 10-30 times slower: tests assert states, never times.
 */
public final class V2Systemd implements AutoCloseable {

    /** Boot + systemd + the app's first answer: 87 s measured on 2 idle cores, far more on a busy machine. */
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(8);
    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(120);
    public static final String METRICS_TOKEN = "v2-metrics-token";

    private static CompletableFuture<V2Systemd> shared;
    /** The qemu of the boot in progress, so that a run ending meanwhile leaves no guest behind. */
    private static volatile Process booting;

    private final Process qemu;
    private final int port;
    private final Path dir;
    private final Path console;
    private final double readySeconds;

    private V2Systemd(Process qemu, int port, Path dir, Path console, double readySeconds) {
        this.qemu = qemu;
        this.port = port;
        this.dir = dir;
        this.console = console;
        this.readySeconds = readySeconds;
    }

    /** Starts the suite's one boot in the background (once); {@link #shared()} waits for it. */
    public static synchronized void bootInBackground() {
        if (shared == null) {
            // its own thread: the boot blocks for minutes, the common pool has one thread on 2 cores
            CompletableFuture<V2Systemd> s = new CompletableFuture<>();
            Thread boot = new Thread(() -> {
                try {
                    s.complete(boot());
                } catch (RuntimeException | Error e) {
                    s.completeExceptionally(e);
                }
            }, "v2systemd-boot");
            boot.setDaemon(true);
            boot.start();
            shared = s;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                Process q = booting;
                if (q != null) {
                    q.destroyForcibly();
                }
                s.thenAccept(V2Systemd::close);
            }, "v2systemd-shutdown"));
        }
    }

    /**
     * Stops the suite's v2 testbed once its tests are done, so that its emulation does not slow
     * the tests that run after them; a later {@link #shared()} boots a new one.
     */
    public static synchronized void shutDownShared() {
        if (shared != null) {
            CompletableFuture<V2Systemd> s = shared;
            shared = null;
            Process q = booting;
            if (q != null && !s.isDone()) {
                q.destroyForcibly();
            }
            s.thenAccept(V2Systemd::close);
        }
    }

    /** The suite's one v2 testbed, booted (or waited for) now. */
    public static V2Systemd shared() {
        bootInBackground();
        try {
            return shared.get(READY_TIMEOUT.toSeconds() + 120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the v2 systemd testbed did not come up: " + e.getMessage(), e);
        }
    }

    /** Boots one; returns once Hostdeck answers on the forwarded port. */
    public static V2Systemd boot() {
        long start = System.nanoTime();
        Path project = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        Path scripts = project.resolve("src/test/v2systemd");
        Testbed.Result prepare = Testbed.runOnHost(Duration.ofMinutes(20), "bash",
                project.resolve("src/test/testbed/prepare.sh").toString());
        check(prepare, "prepare.sh");
        String image = prepare.stdout().strip();
        Testbed.Result build = Testbed.runOnHost(Duration.ofMinutes(15), "bash", scripts.resolve("build.sh").toString());
        check(build, "build.sh");
        String kernel = build.stdout().strip();
        try {
            Path dir = Files.createTempDirectory("hostdeck-v2systemd-");
            Path xfer = Files.createDirectories(dir.resolve("xfer"));
            Testbed.Result payload = Testbed.runOnHost(Duration.ofMinutes(2), "bash", scripts.resolve("payload.sh").toString(),
                    jar(project).toString(), io.hostdeck.support.TestUsers.write().toString(), METRICS_TOKEN,
                    dir.resolve("payload").toString());
            check(payload, "payload.sh");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path console = dir.resolve("console.log");
            Process qemu = new ProcessBuilder("bash", scripts.resolve("run.sh").toString(), kernel, image,
                    dir.resolve("payload").toString(), xfer.toString(), Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(console.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            booting = qemu;
            V2Systemd v2 = new V2Systemd(qemu, port, dir, console, 0);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!qemu.isAlive()) {
                    throw new IllegalStateException("qemu ended (exit " + qemu.exitValue() + "):\n" + v2.consoleTail());
                }
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        double seconds = (System.nanoTime() - start) / 1e9;
                        System.err.printf("v2systemd: Hostdeck answering on 127.0.0.1:%d after %.0f s from nothing%n", port, seconds);
                        return new V2Systemd(qemu, port, dir, console, seconds);
                    }
                } catch (IOException notYet) {
                    // qemu forwards the port before the guest listens: the connection is reset
                }
                Thread.sleep(1000);
            }
            v2.close();
            throw new IllegalStateException("Hostdeck did not answer within " + READY_TIMEOUT + ":\n" + v2.consoleTail());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The loopback port Hostdeck in the guest answers on. */
    public int port() {
        return port;
    }

    /** From the start of {@link #boot} to Hostdeck's first answer. */
    public double readySeconds() {
        return readySeconds;
    }

    /**
     * Runs {@code argv} in the guest as root (the probe service there runs it with xargs: an
     * argument array, no shell) and returns its output (stdout and stderr together).
     *
     * @throws IllegalStateException on a non-zero exit or when it does not finish in time
     */
    public String exec(String... argv) {
        String id = UUID.randomUUID().toString();
        Path xfer = dir.resolve("xfer");
        try {
            byte[] joined = String.join("\0", argv).getBytes(StandardCharsets.UTF_8);
            Path tmp = xfer.resolve(id + ".part");
            Files.write(tmp, joined);
            Files.move(tmp, xfer.resolve(id + ".cmd"));
            Path out = xfer.resolve(id + ".out");
            long deadline = System.nanoTime() + EXEC_TIMEOUT.toNanos();
            while (!Files.exists(out)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the guest did not run " + Arrays.toString(argv) + " within " + EXEC_TIMEOUT);
                }
                Thread.sleep(100);
            }
            String output = Files.readString(out);
            String rc = Files.readString(xfer.resolve(id + ".rc")).strip();
            for (String suffix : List.of(".out", ".rc", ".run")) {
                Files.deleteIfExists(xfer.resolve(id + suffix));
            }
            if (!rc.equals("0")) {
                throw new IllegalStateException(Arrays.toString(argv) + " exited " + rc + " in the guest: " + output);
            }
            return output.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last lines of the guest's console. */
    public String consoleTail() {
        try {
            List<String> lines = Files.readAllLines(console, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no console: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        qemu.descendants().forEach(ProcessHandle::destroyForcibly);
        qemu.destroyForcibly();
        try {
            qemu.waitFor(30, TimeUnit.SECONDS);
            try (var walk = Files.walk(dir)) {
                List<Path> all = new ArrayList<>(walk.toList());
                all.sort(Comparator.reverseOrder());
                for (Path p : all) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | InterruptedException e) {
            // best effort: a temp directory
        }
    }

    private static Path jar(Path project) throws IOException {
        try (var files = Files.list(project.resolve("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("hostdeck-.*\\.jar")
                    && !p.getFileName().toString().endsWith("-plain.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/hostdeck-*.jar: failsafe runs after package"));
        }
    }

    private static void check(Testbed.Result r, String what) {
        if (r.exitCode() != 0) {
            throw new IllegalStateException(what + " failed (exit " + r.exitCode() + "):\n" + r.stdout() + r.stderr());
        }
    }
}
