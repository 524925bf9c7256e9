package io.hostdeck.host.cgroupfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
     * Memory and task counts of every unit's cgroup, by unit name, from one walk of the memory and
     * pids trees. A cgroup that vanishes during the walk is left out.
     */
    public Map<String, UnitUsage> unitUsage() {
        CgroupMode mode = mode();
        Path memoryTree = mode == CgroupMode.V2 ? root : root.resolve("memory");
        Path pidsTree = mode == CgroupMode.V2 ? root : root.resolve("pids");
        String memoryFile = mode == CgroupMode.V2 ? "memory.current" : "memory.usage_in_bytes";
        Map<String, Long> memory = readPerUnit(memoryTree, memoryFile);
        Map<String, Long> tasks = readPerUnit(pidsTree, "pids.current");
        Map<String, UnitUsage> usage = new HashMap<>();
        for (String unit : memory.keySet()) {
            usage.put(unit, new UnitUsage(memory.get(unit), tasks.get(unit)));
        }
        tasks.forEach((unit, n) -> usage.putIfAbsent(unit, new UnitUsage(null, n)));
        return usage;
    }

    private static Map<String, Long> readPerUnit(Path tree, String file) {
        Map<String, Long> values = new HashMap<>();
        if (!Files.isDirectory(tree)) {
            return values;
        }
        try (Stream<Path> dirs = Files.walk(tree, 8)) {
            dirs.filter(CgroupFs::isUnitDir).forEach(dir -> readLong(dir.resolve(file))
                    .ifPresent(v -> values.put(dir.getFileName().toString(), v)));
        } catch (IOException | UncheckedIOException e) {
            // a cgroup removed mid-walk ends the walk early: what was read so far stands
        }
        return values;
    }

    private static boolean isUnitDir(Path dir) {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        return name.endsWith(".service") || name.endsWith(".scope") || name.endsWith(".slice")
                || name.endsWith(".socket") || name.endsWith(".mount") || name.endsWith(".swap");
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

    static java.util.OptionalLong readLong(Path file) {
        try {
            String text = Files.readString(file).strip();
            return "max".equals(text) ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) { // gone, or not a number: absent
            return java.util.OptionalLong.empty();
        }
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
