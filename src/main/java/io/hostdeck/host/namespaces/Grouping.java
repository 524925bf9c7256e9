package io.hostdeck.host.namespaces;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups the target's processes into containers: by PID namespace where it differs from PID 1's;
 * for processes that keep PID 1's PID namespace but have a network or else a mount namespace of
 * their own, by that namespace. Pure: tested with made-up process tables.
 */
final class Grouping {

    /** The namespaces systemd's sandboxing options give a service, without it being a container. */
    private static final java.util.Set<NsType> SANDBOXING = java.util.EnumSet.of(NsType.MNT, NsType.UTS, NsType.IPC);
    /** The namespaces no sandboxing option of systemd gives a service's process on its own, but containers have. */
    private static final NsType[] MADE_BY_CONTAINERS = { NsType.PID, NsType.NET };

    private Grouping() {
    }

    static List<Container> containers(List<ProcessInfo> processes, Map<NsType, Long> hostNs) {
        Map<String, List<ProcessInfo>> groups = new LinkedHashMap<>();
        // a PID namespace's network and mount namespaces, so that a process outside it that shares
        // them (the `unshare --fork` that made it, a runtime's shim) joins that container
        Map<String, String> pidGroupOf = new java.util.HashMap<>();
        for (ProcessInfo p : processes) {
            String key = key(p, hostNs);
            if (key != null && key.startsWith("pid-")) {
                for (NsType t : new NsType[] { NsType.NET, NsType.MNT }) {
                    Long ns = p.namespaces().get(t);
                    if (ns != null && !ns.equals(hostNs.get(t))) {
                        pidGroupOf.putIfAbsent(t.file() + "-" + ns, key);
                    }
                }
            }
        }
        for (ProcessInfo p : processes) {
            String key = key(p, hostNs);
            if (key != null) {
                groups.computeIfAbsent(pidGroupOf.getOrDefault(key, key), k -> new ArrayList<>()).add(p);
            }
        }
        // cgroups in which some process made its own PID or network namespace: a container manager's
        // unit (a Quadlet, `unshare --pid --net` in ExecStart), never just systemd's sandboxing
        java.util.Set<String> containing = new java.util.HashSet<>();
        for (ProcessInfo p : processes) {
            for (NsType t : MADE_BY_CONTAINERS) {
                Long ns = p.namespaces().get(t);
                if (ns != null && !ns.equals(hostNs.get(t))) {
                    containing.add(p.cgroup());
                }
            }
        }
        List<Container> out = new ArrayList<>();
        groups.forEach((key, members) -> out.add(container(key, members, hostNs, containing)));
        out.sort(Comparator.comparingLong((Container c) -> c.init().startTicks()).thenComparing(Container::id));
        return out;
    }

    /** "pid-INODE", "net-INODE", "mnt-INODE", or null for a process in all of PID 1's grouping namespaces. */
    static String key(ProcessInfo p, Map<NsType, Long> hostNs) {
        for (NsType t : new NsType[] { NsType.PID, NsType.NET, NsType.MNT }) {
            Long ns = p.namespaces().get(t);
            if (ns != null && !ns.equals(hostNs.get(t))) {
                return t.file() + "-" + ns;
            }
        }
        return null;
    }

    private static Container container(String key, List<ProcessInfo> members, Map<NsType, Long> hostNs,
            java.util.Set<String> containing) {
        List<ProcessInfo> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparingLong(ProcessInfo::startTicks).thenComparingLong(ProcessInfo::pid));
        ProcessInfo init = sorted.get(0);
        if (key.startsWith("pid-")) {
            for (ProcessInfo p : sorted) {
                if (p.innerPid() == 1) {
                    init = p;
                    break;
                }
            }
        }
        sorted.remove(init);
        sorted.add(0, init);
        Map<NsType, Long> own = new EnumMap<>(NsType.class);
        init.namespaces().forEach((t, inode) -> {
            if (!inode.equals(hostNs.get(t))) {
                own.put(t, inode);
            }
        });
        Runtimes.Identity who = Runtimes.of(init.cgroup());
        boolean madeByAContainer = members.stream().anyMatch(p -> containing.contains(p.cgroup()));
        if (who.runtime().equals("unshare") && init.cgroup().endsWith(".service") && SANDBOXING.containsAll(own.keySet())
                && !madeByAContainer) {
            // what systemd's PrivateTmp=, ProtectSystem=, ProtectHostname=, PrivateIPC= give a service
            who = new Runtimes.Identity("systemd", init.cgroup().substring(init.cgroup().lastIndexOf('/') + 1));
        }
        return new Container(key, who.runtime(), who.id(), init, init.cgroup(), own, List.copyOf(sorted), "");
    }
}
