package io.hostdeck.testbed;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real systemd 252 running as PID 1 of a systemd-nspawn container, with its own D-Bus system
 * bus and journald, reachable from the host. Driven by the scripts in {@code src/test/testbed}
 * (see boot.sh for what they do and why); needs root.
 */
public final class Testbed implements AutoCloseable {

    /** Outcome of a command run to completion. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    private static final Pattern ENV_LINE = Pattern.compile("^(TESTBED_[A-Z_]+)=\"?(.*?)\"?$", Pattern.MULTILINE);
    private static final Path CGROUP_FS = Path.of("/sys/fs/cgroup");
    // building the image (debootstrap) and installing packages can take minutes, once
    private static final Duration PREPARE_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration TEARDOWN_TIMEOUT = Duration.ofSeconds(90);
    // what a login shell inside the container would have; the JVM's own environment
    // (JAVA_HOME, MAVEN_*, a locale the image lacks) has no business in there
    private static final Map<String, String> CONTAINER_ENV = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG", "C.UTF-8");

    private final String name;
    private final Map<String, String> env;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Testbed(String name, Map<String, String> env) {
        this.name = name;
        this.env = env;
    }

    /**
     * Boots a testbed called {@code name} (1-40 of [A-Za-z0-9_-]): installs what is missing and
     * builds the image first if needed, then boots in about a second.
     */
    public static Testbed boot(String name) {
        checkName(name);
        Result prepare = script(PREPARE_TIMEOUT, "prepare.sh");
        if (prepare.exitCode() != 0) {
            throw failure("prepare.sh", name, prepare);
        }
        Result boot;
        try {
            boot = run(List.of("bash", scriptsDir().resolve("boot.sh").toString(), name), null, BOOT_TIMEOUT);
        } catch (IllegalStateException timeout) {
            teardownQuietly(name, timeout);
            throw timeout;
        }
        if (boot.exitCode() != 0) {
            throw failure("boot.sh", name, boot);
        }
        System.err.print(boot.stderr());
        Map<String, String> env = new HashMap<>();
        Matcher m = ENV_LINE.matcher(boot.stdout());
        while (m.find()) {
            env.put(m.group(1), m.group(2));
        }
        Testbed testbed = new Testbed(name, env);
        if (!env.containsKey("TESTBED_LEADER_PID") || !env.containsKey("TESTBED_BUS_ADDRESS")) {
            testbed.close();
            throw new IllegalStateException("testbed '" + name + "': boot.sh printed no TESTBED_LEADER_PID/"
                    + "TESTBED_BUS_ADDRESS:\n" + boot.stdout() + boot.stderr());
        }
        return testbed;
    }

    /**
     * Stops the testbed called {@code name} and removes everything it left; does nothing if there
     * is none. Also clears what a killed earlier run left behind.
     */
    public static void teardown(String name) {
        checkName(name);
        Result result = script(TEARDOWN_TIMEOUT, "teardown.sh", name);
        if (result.exitCode() != 0) {
            throw failure("teardown.sh", name, result);
        }
        System.err.print(result.stderr());
    }

    public String name() {
        return name;
    }

    /** nspawn's machine name, the container's hostname: {@link #name()} unless that has a "_". */
    public String machineName() {
        return env.get("TESTBED_MACHINE");
    }

    /** Host PID of the container's systemd (PID 1 inside). */
    public long leaderPid() {
        return Long.parseLong(env.get("TESTBED_LEADER_PID"));
    }

    /** The container's root seen from the host: {@code /proc/<leader>/root}. */
    public Path root() {
        return Path.of("/proc", Long.toString(leaderPid()), "root");
    }

    /** D-Bus address of the container's system bus, usable from the host. */
    public String busAddress() {
        return env.get("TESTBED_BUS_ADDRESS");
    }

    /** hybrid, legacy or unified: the cgroup layout the container's systemd sees. */
    public String cgroupMode() {
        return env.get("TESTBED_CGROUP_MODE");
    }

    /** The container's root cgroup in every host hierarchy (v1 controllers, name=systemd, cgroup2). */
    public List<Path> cgroupDirs() {
        String dirs = env.getOrDefault("TESTBED_CGROUP_DIRS", "").trim();
        return dirs.isEmpty() ? List.of() : Arrays.stream(dirs.split("\\s+")).map(Path::of).toList();
    }

    /**
     * The container's root cgroup in the hierarchy of {@code controller} ("memory", "cpu",
     * "pids", "systemd" for name=systemd, "unified" for the cgroup2 mirror); its units are below,
     * e.g. {@code system.slice/foo.service/memory.limit_in_bytes}.
     */
    public Path cgroupDir(String controller) {
        List<Path> dirs = cgroupDirs();
        for (Path dir : dirs) {
            // the hierarchy's mount point is named after its controllers, e.g. "cpu,cpuacct"
            if (dir.startsWith(CGROUP_FS) && dir.getNameCount() > CGROUP_FS.getNameCount() + 1) {
                String hierarchy = dir.getName(CGROUP_FS.getNameCount()).toString();
                if (Arrays.asList(hierarchy.split(",")).contains(controller)) {
                    return dir;
                }
            }
        }
        // a pure cgroup2 host has a single hierarchy mounted at /sys/fs/cgroup itself
        if (controller.equals("unified") && dirs.size() == 1 && Files.exists(CGROUP_FS.resolve("cgroup.controllers"))) {
            return dirs.get(0);
        }
        throw new IllegalArgumentException("testbed '" + name + "' has no cgroup hierarchy '" + controller
                + "' among " + dirs);
    }

    /** Where the scripts keep this testbed's state; gone after {@link #close()}. */
    public Path stateDir() {
        return Path.of(env.get("TESTBED_STATE"));
    }

    /** The read-only image the container's overlay root is made from. */
    public Path image() {
        return Path.of(env.get("TESTBED_IMAGE"));
    }

    /**
     * Runs {@code argv} inside the container (all its namespaces, as root) and waits for it.
     * @throws IllegalStateException when it runs longer than {@code timeout} (it is then killed)
     */
    public Result exec(Duration timeout, String... argv) {
        if (argv.length == 0) {
            throw new IllegalArgumentException("nothing to run");
        }
        List<String> command = new ArrayList<>(List.of("nsenter", "-t", Long.toString(leaderPid()), "-a", "--"));
        command.addAll(Arrays.asList(argv));
        return run(command, CONTAINER_ENV, timeout);
    }

    /**
     * Runs {@code argv} on the host and waits for it, e.g. {@code busctl --address=<busAddress()> ...}.
     * @throws IllegalStateException when it runs longer than {@code timeout} (it is then killed)
     */
    public static Result runOnHost(Duration timeout, String... argv) {
        if (argv.length == 0) {
            throw new IllegalArgumentException("nothing to run");
        }
        return run(List.of(argv), null, timeout);
    }

    /** Stops the container and removes all it left on the host; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            teardown(name);
        }
    }

    @Override
    public String toString() {
        return "Testbed[" + name + ", leader " + env.get("TESTBED_LEADER_PID") + "]";
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("testbed name must be 1-40 of [A-Za-z0-9_-], got '" + name + "'");
        }
    }

    private static void teardownQuietly(String name, Exception cause) {
        try {
            teardown(name);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static IllegalStateException failure(String script, String name, Result result) {
        return new IllegalStateException("testbed '" + name + "': " + script + " failed with exit code "
                + result.exitCode() + ":\n" + result.stderr() + result.stdout());
    }

    private static Result script(Duration timeout, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", scriptsDir().resolve(script).toString()));
        command.addAll(Arrays.asList(args));
        return run(command, null, timeout);
    }

    /** src/test/testbed of the project (Maven runs tests in the project dir), or -Dhostdeck.testbed.scripts. */
    public static Path scriptsDir() {
        String configured = System.getProperty("hostdeck.testbed.scripts");
        Path dir = configured != null
                ? Path.of(configured)
                : Path.of(System.getProperty("user.dir"), "src", "test", "testbed");
        if (!Files.isRegularFile(dir.resolve("boot.sh"))) {
            throw new IllegalStateException("no testbed scripts (boot.sh) in " + dir.toAbsolutePath()
                    + "; run from the project dir or set -Dhostdeck.testbed.scripts=<dir>");
        }
        return dir;
    }

    /**
     * Runs a command with stdin from /dev/null and its output in temp files: no pipe that a
     * forgotten grandchild could hold open, no reader threads.
     */
    private static Result run(List<String> command, Map<String, String> environment, Duration timeout) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("testbed-", ".out");
            err = Files.createTempFile("testbed-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(new File("/dev/null"))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (environment != null) {
                builder.environment().clear();
                builder.environment().putAll(environment);
            }
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // Children first, and let the command reap them: a child of nsenter orphaned by
                // killing nsenter is a process of the container that only the host's PID 1 can
                // reap; the container's systemd then waits 10 s for it at shutdown.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s: " + command
                        + "\n---- stderr:\n" + read(err) + "---- stdout:\n" + read(out));
            }
            return new Result(process.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static String read(Path file) throws IOException {
        // not Files.readString: it throws on bytes that are not UTF-8, and output is output
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a stray temp file is not worth failing a test for
            }
        }
    }
}
