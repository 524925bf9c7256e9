package io.hostdeck.host.namespaces;

import java.util.List;
import java.util.Map;

/**
 * One process of the target as /proc shows it, with the namespaces it is in.
 *
 * @param pid        its PID as the target's /proc names it
 * @param ppid       its parent's
 * @param uid        its real uid (in the target's user namespace)
 * @param command    its command line (NULs as spaces), or "[comm]" for a kernel thread
 * @param nsPids     NSpid: its PID in each PID namespace it is in, outermost first
 * @param startTicks when it started, in clock ticks after boot (stat field 22): with the PID, who it is
 * @param cgroup     its cgroup as systemd names it ("/system.slice/foo.service"), "" when unknown
 * @param namespaces the inode of each of its namespaces
 */
public record ProcessInfo(long pid, long ppid, long uid, String command, List<Long> nsPids, long startTicks,
        String cgroup, Map<NsType, Long> namespaces) {

    /** Its PID in its innermost PID namespace: 1 for a container's init. */
    public long innerPid() {
        return nsPids.isEmpty() ? pid : nsPids.get(nsPids.size() - 1);
    }
}
