package io.hostdeck.containers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.hostdeck.cgroups.CgroupSampler;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.namespaces.Container;
import io.hostdeck.host.namespaces.NamespaceScanner;
import io.hostdeck.host.namespaces.NamespaceScanner.Snapshot;
import io.hostdeck.host.namespaces.NsType;
import io.hostdeck.host.namespaces.ProcessInfo;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.security.Scope;

/**
 * What the containers pages and the API read, once for both: the list, one container, every
 * namespace. Containers are for grants over every unit; each read checks that first.
 */
@Component
class ContainerQueries {

    /** USER_HZ: the unit of /proc/PID/stat's start time, 100 on every architecture Hostdeck runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private final NamespaceScanner scanner;
    private final ProcFs procFs;
    private final CgroupSampler sampler;
    private final ContainerActions actions;

    ContainerQueries(NamespaceScanner scanner, ProcFs procFs, CgroupSampler sampler, ContainerActions actions) {
        this.scanner = scanner;
        this.procFs = procFs;
        this.sampler = sampler;
        this.actions = actions;
    }

    /** The list; services that systemd's own sandboxing gave namespaces only with {@code sandboxes=shown}. */
    record Listing(List<ContainerRow> rows, int hiddenSandboxes, boolean sandboxesShown, boolean ownReference) {
    }

    /** One namespace: its type and inode, its processes (lowest PID first), the user namespace of the first. */
    public record NsRow(NsType type, long inode, ProcessInfo first, Long userNs, List<ProcessInfo> members) {
    }

    /** Every namespace like lsns; with a pid, also that process. */
    record Namespaces(Map<NsType, Long> hostNs, List<NsRow> rows, ProcessInfo process, boolean ownReference) {
    }

    Listing list(String sandboxes) {
        if (!sandboxes.isEmpty() && !sandboxes.equals("shown")) {
            throw new InvalidInputException("sandboxes", "is 'shown' or absent, not '" + sandboxes + "'");
        }
        Scope.current().requireAll("the container list");
        boolean all = sandboxes.equals("shown");
        double uptime = procFs.uptimeSeconds();
        List<ContainerRow> rows = new ArrayList<>();
        int hidden = 0;
        Snapshot s = scanner.scan();
        for (Container c : s.containers()) {
            if (c.serviceSandbox() && !all) {
                hidden++;
            } else {
                rows.add(row(c, uptime));
            }
        }
        return new Listing(rows, hidden, all, s.ownReference());
    }

    ContainerRow one(String id) {
        Scope.current().requireAll("a container");
        return row(scanner.scan().require(id), procFs.uptimeSeconds());
    }

    /** The container's uid_map or gid_map lines; none when it has no user namespace of its own. */
    List<String> idMap(Container c, String file) {
        return c.privateNs().containsKey(NsType.USER) ? procFs.idMap(c.init().pid(), file) : List.of();
    }

    Namespaces namespaces(String pid) {
        Scope.current().requireAll("the namespace list");
        Snapshot s = scanner.scan();
        ProcessInfo process = null;
        if (pid != null && !pid.isEmpty()) {
            if (!pid.matches("[0-9]{1,10}")) {
                throw new InvalidInputException("pid", "'" + pid + "' is not a process id");
            }
            process = s.processes().stream().filter(x -> x.pid() == Long.parseLong(pid)).findFirst()
                    .orElseThrow(() -> new NotFoundException("no process " + pid + " (or it is a kernel thread)"));
        }
        // processes come sorted by PID, so each namespace's first member is its lowest PID
        Map<String, NsRow> byKey = new LinkedHashMap<>();
        for (ProcessInfo p : s.processes()) {
            p.namespaces().forEach((t, inode) -> byKey.computeIfAbsent(t.file() + ":" + inode,
                    k -> new NsRow(t, inode, p, p.namespaces().get(NsType.USER), new ArrayList<>())).members().add(p));
        }
        List<NsRow> rows = new ArrayList<>(byKey.values());
        rows.sort(Comparator.comparing((NsRow r) -> r.type().ordinal()).thenComparingLong(NsRow::inode));
        return new Namespaces(s.hostNs(), rows, process, s.ownReference());
    }

    private ContainerRow row(Container c, double uptime) {
        long age = Math.max(0, (long) (uptime - c.init().startTicks() / (double) TICKS_PER_SECOND));
        return new ContainerRow(c, sampler.latest().get(c.cgroup()), procFs.netDev(c.init().pid()), age, actions.frozen(c));
    }
}
