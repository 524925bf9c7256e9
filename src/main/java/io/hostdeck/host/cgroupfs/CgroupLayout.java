package io.hostdeck.host.cgroupfs;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each file lives in the target's layout: the hierarchies read (as directories under
 * {@code <root>/sys/fs/cgroup}) and the knobs read from each. Found once, by {@link CgroupFs#layout()};
 * the reader, the writer and {@link CgroupFs#processes} all use that one.
 *
 * @param mode        the layout
 * @param primary     the tree that holds every cgroup: cgroup2 root, hybrid's unified/, v1's name=systemd
 * @param trees       the distinct hierarchy directories read, e.g. ".../memory", ".../cpu,cpuacct"
 * @param knobsByTree the knobs read from each tree
 * @param treeOfKnob  by knob: index into trees, or -1 when this layout does not read it
 * @param controllers controller name to its hierarchy directory ("memory" to ".../memory"; all to the root in v2)
 */
record CgroupLayout(CgroupMode mode, String primary, String[] trees, Knob[][] knobsByTree, int[] treeOfKnob,
        Map<String, String> controllers) {

    private static final Knob[] PRESSURE = { Knob.CPU_PRESSURE, Knob.MEMORY_PRESSURE, Knob.IO_PRESSURE };
    private static final Knob[] MEMORY = { Knob.MEMORY_USAGE, Knob.MEMORY_LIMIT, Knob.V1_MEMORY_STAT,
        Knob.MEMORY_FAILCNT, Knob.OOM_CONTROL, Knob.MEMSW_USAGE };
    private static final Knob[] CPU = { Knob.CFS_STAT, Knob.CFS_QUOTA, Knob.CFS_PERIOD, Knob.CPU_SHARES };
    private static final Knob[] CPUACCT = { Knob.CPUACCT_USAGE, Knob.CPUACCT_USER, Knob.CPUACCT_SYS, Knob.CPUACCT_STAT };
    private static final Knob[] PIDS = { Knob.PIDS_CURRENT, Knob.PIDS_MAX };
    private static final Knob[] BLKIO = { Knob.BLKIO_BYTES };

    static CgroupLayout detect(Path cgroupRoot) {
        String root = cgroupRoot.toString();
        CgroupMode mode = modeOf(cgroupRoot);
        Builder b = new Builder();
        switch (mode) {
            case V2 -> {
                b.add(root, Knob.V2);
                for (String c : List.of("cpu", "memory", "io", "pids")) {
                    b.controllers.put(c, root);
                }
                return b.build(mode, root);
            }
            case HYBRID -> {
                String unified = root + "/unified";
                b.add(unified, Knob.CGROUP_STAT, Knob.CPU_STAT);
                b.add(unified, PRESSURE);
                b.v1(cgroupRoot, false);
                return b.build(mode, unified);
            }
            case V1 -> {
                b.v1(cgroupRoot, true);
                String systemd = hierarchy(cgroupRoot, "name=systemd");
                String primary = systemd != null ? systemd
                        : b.controllers.isEmpty() ? root + "/systemd" : b.controllers.values().iterator().next();
                return b.build(mode, primary);
            }
            default -> {
                return b.build(CgroupMode.NONE, root);
            }
        }
    }

    /**
     * The layout, from the files only a cgroup2 root has: {@code cgroup.controllers} at the top
     * means v2, under {@code unified/} means hybrid; v1 hierarchies have neither.
     */
    static CgroupMode modeOf(Path root) {
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

    /**
     * The directory of the v1 hierarchy that carries {@code controller}, e.g. ".../memory" or
     * ".../cpu,cpuacct" for "cpuacct": the real directory, never the cpu/cpuacct symlinks, which
     * may be absolute and so point outside a target seen through /proc/PID/root.
     */
    static String hierarchy(Path cgroupRoot, String controller) {
        String[] names = cgroupRoot.toFile().list();
        if (names == null) {
            return null;
        }
        Arrays.sort(names);
        String wanted = controller.startsWith("name=") ? controller.substring(5) : controller;
        for (String name : names) {
            Path dir = cgroupRoot.resolve(name);
            if (Arrays.asList(name.split(",")).contains(wanted) && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return dir.toString();
            }
        }
        return null;
    }

    Knob[] knobs(int tree) {
        return knobsByTree[tree];
    }

    /** The file read first on every poll: the CPU time, which tells whether the cgroup ran. */
    Knob probe() {
        return mode == CgroupMode.V1 ? Knob.CPUACCT_USAGE : Knob.CPU_STAT;
    }

    int treeOf(Knob k) {
        return treeOfKnob[k.ordinal()];
    }

    /** Whether a cgroup's files in this tree come and go with its controllers (cgroup2 in v2 mode). */
    boolean followsControllers(int tree) {
        return mode == CgroupMode.V2;
    }

    /** The directory under which {@code controller}'s files are, or null when it is not mounted. */
    String controllerTree(String controller) {
        return controllers.get(controller);
    }

    /** Collects trees and knobs; trees are keyed by directory, so "cpu,cpuacct" is one tree. */
    private static final class Builder {
        final Map<String, List<Knob>> trees = new LinkedHashMap<>();
        final Map<String, String> controllers = new LinkedHashMap<>();

        void add(String dir, Knob... knobs) {
            trees.computeIfAbsent(dir, d -> new ArrayList<>()).addAll(List.of(knobs));
        }

        void v1(Path cgroupRoot, boolean cpuacct) {
            controller(cgroupRoot, "memory", MEMORY);
            controller(cgroupRoot, "cpu", CPU);
            if (cpuacct) {
                controller(cgroupRoot, "cpuacct", CPUACCT);
            }
            controller(cgroupRoot, "pids", PIDS);
            controller(cgroupRoot, "blkio", BLKIO);
        }

        private void controller(Path cgroupRoot, String controller, Knob[] knobs) {
            String dir = hierarchy(cgroupRoot, controller);
            if (dir != null) {
                controllers.put(controller, dir);
                add(dir, knobs);
            }
        }

        CgroupLayout build(CgroupMode mode, String primary) {
            String[] dirs = trees.keySet().toArray(String[]::new);
            Knob[][] knobs = new Knob[dirs.length][];
            int[] treeOf = new int[Knob.COUNT];
            Arrays.fill(treeOf, -1);
            for (int t = 0; t < dirs.length; t++) {
                List<Knob> list = new ArrayList<>(trees.get(dirs[t]));
                list.sort(null); // enum order: cpuacct.usage_user is looked for before cpuacct.stat
                knobs[t] = list.toArray(Knob[]::new);
                for (Knob k : knobs[t]) {
                    treeOf[k.ordinal()] = t;
                }
            }
            return new CgroupLayout(mode, primary, dirs, knobs, treeOf, Map.copyOf(controllers));
        }
    }
}
