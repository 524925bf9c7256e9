package io.hostdeck.host.cgroupfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.springframework.stereotype.Component;

import io.hostdeck.host.HostProperties;

/** The target's cgroup filesystem under {@code <root>/sys/fs/cgroup}. */
@Component
public class CgroupFs {

    private final Path root;

    public CgroupFs(HostProperties host) {
        this.root = host.cgroupRoot();
    }

    public Path root() {
        return root;
    }

    /**
     * The layout, from the files only a cgroup2 root has: {@code cgroup.controllers} at the top
     * means v2, under {@code unified/} means hybrid; v1 hierarchies have neither.
     */
    public CgroupMode mode() {
        return detect(root);
    }

    /**
     * The PIDs in a cgroup (as systemd names it, e.g. {@code /system.slice/foo.service}) and its
     * children, from the tree systemd keeps for every unit: the cgroup2 root in v2 and hybrid mode,
     * name=systemd in v1. Empty when the cgroup is gone.
     */
    public List<Long> processes(String controlGroup) {
        if (controlGroup == null || controlGroup.isEmpty() || controlGroup.contains("..")) {
            return List.of();
        }
        Path tree = switch (mode()) {
            case V2 -> root;
            case HYBRID -> root.resolve("unified");
            default -> root.resolve("systemd");
        };
        Path dir = tree.resolve(controlGroup.substring(1));
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.walk(dir, 8)) {
            procs.filter(p -> p.getFileName().toString().equals("cgroup.procs")).forEach(f -> {
                try {
                    for (String line : Files.readAllLines(f)) {
                        if (!line.isBlank()) {
                            pids.add(Long.parseLong(line.strip()));
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    // a child cgroup that vanished: its processes are gone too
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return pids;
        }
        pids.sort(null);
        return pids;
    }

    static CgroupMode detect(Path root) {
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            return CgroupMode.V2;
        }
        if (Files.exists(root.resolve("unified/cgroup.controllers"))) {
            return CgroupMode.HYBRID;
        }
        if (Files.isDirectory(root.resolve("memory")) || Files.isDirectory(root.resolve("cpu"))
                || Files.isDirectory(root.resolve("systemd"))) {
            return CgroupMode.V1;
        }
        return CgroupMode.NONE;
    }
}
