package io.hostdeck.host.cgroupfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.springframework.stereotype.Component;

import io.hostdeck.error.ConflictException;
import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;

/**
 * Freezes and thaws a group of processes with the kernel's cgroup freezer. cgroup v2: its cgroup's
 * {@code cgroup.freeze}, which the caller may only use when the cgroup holds nothing else. v1 and
 * hybrid (no cgroup.freeze on the unified tree without controllers): the v1 freezer hierarchy, in
 * a cgroup of its own, {@code hostdeck.frozen/KEY}, into which the processes are moved (systemd
 * does not manage that hierarchy) and out of which thawing moves them back to its root.
 */
@Component
public class CgroupFreezer {

    static final String GROUP = "hostdeck.frozen";

    private final Path root;

    public CgroupFreezer(HostProperties host) {
        this.root = host.cgroupRoot();
    }

    /** Whether the v1 freezer hierarchy is used (else cgroup2's cgroup.freeze). */
    public boolean usesV1Freezer() {
        return CgroupLayout.modeOf(root) != CgroupMode.V2;
    }

    /** v2: freezes the cgroup at {@code path} and waits until the kernel says it is frozen. */
    public void freezeCgroup(String path, boolean frozen) {
        CgroupPath.check(path);
        Path dir = root.resolve(path.substring(1));
        write(dir.resolve("cgroup.freeze"), frozen ? "1" : "0");
        waitFor(dir.resolve("cgroup.events"), frozen ? "frozen 1" : "frozen 0");
    }

    /** v1: moves {@code ownPids} (PIDs in Hostdeck's own PID namespace) into a frozen cgroup {@code key}. */
    public void freezeProcesses(String key, List<Long> ownPids) {
        Path dir = v1Dir(key);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new HostUnavailableException("cannot make " + dir + ": " + e.getMessage(), e);
        }
        for (long pid : ownPids) {
            try {
                Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid));
            } catch (IOException e) {
                // exited meanwhile: nothing to freeze
            }
        }
        write(dir.resolve("freezer.state"), "FROZEN");
        waitFor(dir.resolve("freezer.state"), "FROZEN");
    }

    /** v1: thaws cgroup {@code key}, moves its processes back to the hierarchy's root, removes it. */
    public void thawProcesses(String key) {
        Path dir = v1Dir(key);
        if (!Files.isDirectory(dir)) {
            throw new ConflictException("it is not frozen");
        }
        write(dir.resolve("freezer.state"), "THAWED");
        waitFor(dir.resolve("freezer.state"), "THAWED");
        Path top = dir.getParent().getParent().resolve("cgroup.procs");
        try {
            for (String pid : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                try {
                    Files.writeString(top, pid.strip());
                } catch (IOException e) {
                    // exited meanwhile
                }
            }
            Files.delete(dir);
        } catch (IOException e) {
            throw new HostUnavailableException("cannot empty " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether cgroup {@code key} of the v1 freezer exists and is frozen. */
    public boolean frozenV1(String key) {
        Path state = v1Dir(key).resolve("freezer.state");
        try {
            return Files.isRegularFile(state) && Files.readString(state).strip().equals("FROZEN");
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether cgroup2's cgroup at {@code path} is frozen. */
    public boolean frozenV2(String path) {
        CgroupPath.check(path);
        try {
            return Files.readString(root.resolve(path.substring(1)).resolve("cgroup.events")).contains("frozen 1");
        } catch (IOException e) {
            return false;
        }
    }

    private Path v1Dir(String key) {
        if (!key.matches("[a-z]+-[0-9]+")) {
            throw new IllegalArgumentException("not a container key: " + key);
        }
        String freezer = CgroupLayout.hierarchy(root, "freezer");
        if (freezer == null) {
            throw new HostUnavailableException("the target has no cgroup v1 freezer hierarchy under " + root);
        }
        return Path.of(freezer, GROUP, key);
    }

    private static void write(Path file, String value) {
        try {
            Files.writeString(file, value, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new HostUnavailableException("cannot write " + value + " to " + file + ": " + e.getMessage(), e);
        }
    }

    private static void waitFor(Path file, String wanted) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (Files.readString(file).contains(wanted)) {
                    return;
                }
                Thread.sleep(20);
            } catch (IOException e) {
                throw new HostUnavailableException("cannot read " + file + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new HostUnavailableException(file + " did not say '" + wanted + "' within 5 s");
    }
}
