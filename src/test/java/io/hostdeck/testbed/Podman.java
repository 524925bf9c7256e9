package io.hostdeck.testbed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real podman (runc, systemd as cgroup manager) in a running {@link Testbed}, set up by
 * {@code src/test/testbed/podman.sh}: packages from a cache of .deb files (downloaded once),
 * images on a tmpfs with the vfs driver, a busybox image {@link #IMAGE} imported from a tar,
 * podman.socket started. For tests of how Hostdeck sees and acts on a runtime's containers, and
 * for the runtime's own API ({@link #socket()}). Needs root. The packages live in the testbed's
 * volatile root: gone at its next boot; {@link #install} is cheap when they are already there.
 */
public final class Podman {

    /** The only image there is (no registry): a static busybox with sh, sleep, cat, ls, ps, hostname. */
    public static final String IMAGE = "localhost/bb:1";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern ENV_LINE = Pattern.compile("^(PODMAN_[A-Z_]+)=\"?(.*?)\"?$", Pattern.MULTILINE);

    private final Testbed testbed;
    private final Map<String, String> env;

    private Podman(Testbed testbed, Map<String, String> env) {
        this.testbed = testbed;
        this.env = env;
    }

    /** Installs podman in {@code testbed} (from the .deb cache after the first time) and starts its socket. */
    public static Podman install(Testbed testbed) {
        Testbed.Result r = Testbed.runOnHost(INSTALL_TIMEOUT, "bash", Testbed.scriptsDir().resolve("podman.sh").toString(),
                Long.toString(testbed.leaderPid()));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("podman.sh failed (exit " + r.exitCode() + "):\n" + r.stdout() + r.stderr());
        }
        Map<String, String> env = new HashMap<>();
        Matcher m = ENV_LINE.matcher(r.stdout());
        while (m.find()) {
            env.put(m.group(1), m.group(2));
        }
        System.err.println("podman in testbed " + testbed.name() + ": " + env.get("PODMAN_INSTALL") + ", "
                + env.get("PODMAN_SECONDS") + " s");
        return new Podman(testbed, env);
    }

    /** How the packages came: "present", "cached" (from the .deb cache) or "downloaded". */
    public String installedFrom() {
        return env.get("PODMAN_INSTALL");
    }

    /** The API socket inside the testbed; from the host it is under {@link Testbed#root()}. */
    public String socket() {
        return env.get("PODMAN_SOCKET");
    }

    /** The options every container here needs (runc; a nofile limit within this machine's hard limit). */
    public List<String> runOptions() {
        return Arrays.asList(env.get("PODMAN_RUN_OPTS").split(" "));
    }

    /**
     * {@code podman run -d --name NAME [options] IMAGE command...}: the container's full id.
     *
     * @param options more podman run options, e.g. {@code --memory 64m}
     */
    public String run(String name, List<String> options, String... command) {
        List<String> argv = new ArrayList<>(List.of("podman", "run", "-d", "--name", name));
        argv.addAll(runOptions());
        argv.addAll(options);
        argv.add(IMAGE);
        argv.addAll(Arrays.asList(command));
        return podman(argv);
    }

    /** Any podman command inside the testbed: its standard output, stripped; fails on a non-zero exit. */
    public String podman(List<String> argv) {
        Testbed.Result r = testbed.exec(RUN_TIMEOUT, argv.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + r.exitCode() + "): " + r.stderr());
        }
        return r.stdout().strip();
    }

    public String podman(String... argv) {
        List<String> all = new ArrayList<>(List.of("podman"));
        all.addAll(Arrays.asList(argv));
        return podman(all);
    }

    /** Removes the containers, running or not; a name that is not there is no error. */
    public void removeQuietly(String... names) {
        for (String name : names) {
            testbed.exec(RUN_TIMEOUT, "podman", "rm", "-f", "-t", "0", name);
        }
    }
}
