package io.hostdeck.host.namespaces;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A group of processes in namespaces of their own, as the kernel shows it, whichever runtime made it.
 *
 * @param id          stable while it lives: the type and inode of the namespace that groups it, "pid-4026532301"
 * @param runtime     docker, podman, containerd, cri-o, nspawn, lxc (from its cgroup), systemd for a service
 *                    that systemd's sandboxing gave a mount, UTS or IPC namespace, otherwise unshare
 * @param runtimeId   the runtime's id or name for it, "" when it has none
 * @param init        its init: the process whose innermost PID is 1 (PID namespace), else its eldest
 * @param cgroup      the init's cgroup
 * @param privateNs   the namespaces its init does not share with the target's PID 1, with their inodes
 * @param processes   every process in it, init first
 * @param machine     its name in systemd-machined (machinectl's), "" when it is not registered there
 */
public record Container(String id, String runtime, String runtimeId, ProcessInfo init, String cgroup,
        Map<NsType, Long> privateNs, List<ProcessInfo> processes, String machine) {

    public Container withMachine(String name) {
        return new Container(id, runtime, runtimeId, init, cgroup, privateNs, processes, name);
    }

    /** What the list calls it: its machine name, else the runtime's id or name, else its id. */
    public String label() {
        return !machine.isEmpty() ? machine : !runtimeId.isEmpty() ? runtimeId : id;
    }

    public Set<NsType> privateTypes() {
        return privateNs.keySet();
    }

    /** A service that systemd's own sandboxing options gave namespaces: not what people call a container. */
    public boolean serviceSandbox() {
        return runtime.equals("systemd");
    }

    /** The name to show: the runtime's id or name, else the init's command. */
    public String name() {
        return runtimeId.isEmpty() ? init.command() : runtimeId;
    }
}
