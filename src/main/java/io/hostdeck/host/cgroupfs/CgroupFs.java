package io.hostdeck.host.cgroupfs;

import java.nio.file.Files;
import java.nio.file.Path;

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
