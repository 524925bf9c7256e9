package io.hostdeck.testbed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real Docker (Debian's docker.io: dockerd, containerd, runc) in a running {@link Testbed}, set up
 * by {@code src/test/testbed/docker.sh}: packages from the .deb cache (downloaded once), images on
 * a tmpfs with the vfs driver, runc without a session keyring per container, a busybox image
 * {@link #IMAGE}, docker.service answering on /run/docker.sock. Needs root. Gone at the
 * testbed's next boot; {@link #install} is cheap when it is already there.
 */
public final class Docker {

    /** The only image there is (no registry): a static busybox with sh, sleep, cat, ls, ps, hostname. */
    public static final String IMAGE = "localhost/bb:1";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

    private final Testbed testbed;

    private Docker(Testbed testbed) {
        this.testbed = testbed;
    }

    /** Installs Docker in {@code testbed} (from the .deb cache after the first time) and starts it. */
    public static Docker install(Testbed testbed) {
        Testbed.Result r = Testbed.runOnHost(INSTALL_TIMEOUT, "bash", Testbed.scriptsDir().resolve("docker.sh").toString(),
                Long.toString(testbed.leaderPid()));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("docker.sh failed (exit " + r.exitCode() + "):\n" + r.stdout() + r.stderr());
        }
        Matcher how = Pattern.compile("DOCKER_INSTALL=(\\S+)[\\s\\S]*DOCKER_SECONDS=(\\S+)").matcher(r.stdout());
        System.err.println("docker in testbed " + testbed.name() + ": " + (how.find() ? how.group(1) + ", " + how.group(2) + " s"
                : r.stdout()));
        return new Docker(testbed);
    }

    /** {@code docker run -d --name NAME [options] IMAGE command...}: the container's full id. */
    public String run(String name, List<String> options, String... command) {
        List<String> argv = new ArrayList<>(List.of("run", "-d", "--name", name));
        argv.addAll(options);
        argv.add(IMAGE);
        argv.addAll(Arrays.asList(command));
        return docker(argv.toArray(String[]::new));
    }

    /** Any docker command inside the testbed: its standard output, stripped; fails on a non-zero exit. */
    public String docker(String... args) {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(Arrays.asList(args));
        Testbed.Result r = testbed.exec(RUN_TIMEOUT, argv.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + r.exitCode() + "): " + r.stderr());
        }
        return r.stdout().strip();
    }

    /** Removes the containers, running or not; a name that is not there is no error. */
    public void removeQuietly(String... names) {
        for (String name : names) {
            testbed.exec(RUN_TIMEOUT, "docker", "rm", "-f", name);
        }
    }
}
