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
    private volatile CgroupLayout layout;

    public CgroupFs(HostProperties host) {
        this.root = host.cgroupRoot();
    }

    public Path root() {
        return root;
    }

    /** The layout: v2, hybrid or v1 (see {@link CgroupLayout#modeOf}), or NONE while nothing is mounted. */
    public CgroupMode mode() {
        return layout().mode();
    }

    /**
     * Where each file lives in the target's layout, worked out once for the reader, the writer and
     * {@link #processes}; looked for again while no cgroup file system is mounted.
     */
    CgroupLayout layout() {
        CgroupLayout l = layout;
        if (l == null || l.mode() == CgroupMode.NONE) {
            l = CgroupLayout.detect(root);
            layout = l;
        }
        return l;
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
        CgroupLayout l = layout();
        if (l.mode() == CgroupMode.NONE) {
            return List.of();
        }
        Path dir = Path.of(l.primary()).resolve(controlGroup.substring(1));
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
}
