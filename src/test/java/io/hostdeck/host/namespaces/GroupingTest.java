package io.hostdeck.host.namespaces;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class GroupingTest {

    private static final Map<NsType, Long> HOST = ns(1, 2, 3, 4, 5, 6, 7, 8);

    /** Inodes in NsType order: pid, net, mnt, uts, ipc, user, cgroup, time. */
    private static Map<NsType, Long> ns(long... inodes) {
        Map<NsType, Long> m = new EnumMap<>(NsType.class);
        for (int i = 0; i < inodes.length; i++) {
            m.put(NsType.values()[i], inodes[i]);
        }
        return m;
    }

    private static ProcessInfo p(long pid, long start, String cgroup, List<Long> nsPids, Map<NsType, Long> ns) {
        return new ProcessInfo(pid, 1, 0, "cmd" + pid, nsPids, start, cgroup, ns);
    }

    @Test
    void aPidNamespaceIsOneContainerWithItsInnerPidOneAsInitAndTheUnshareThatMadeItJoins() {
        List<ProcessInfo> ps = List.of(
                p(1, 1, "/init.scope", List.of(1L), HOST),
                p(40, 10, "/system.slice/a.service", List.of(40L), ns(1, 20, 30, 40, 5, 6, 7, 8)),   // unshare --fork
                p(41, 11, "/system.slice/a.service", List.of(41L, 1L), ns(10, 20, 30, 40, 5, 6, 7, 8)),
                p(42, 12, "/system.slice/a.service", List.of(42L, 2L), ns(10, 20, 30, 40, 5, 6, 7, 8)));
        List<Container> cs = Grouping.containers(ps, HOST);
        assertThat(cs).hasSize(1);
        Container c = cs.get(0);
        assertThat(c.id()).isEqualTo("pid-10");
        assertThat(c.init().pid()).isEqualTo(41);
        assertThat(c.privateTypes()).containsExactly(NsType.PID, NsType.NET, NsType.MNT, NsType.UTS);
        assertThat(c.processes()).extracting(ProcessInfo::pid).containsExactly(41L, 40L, 42L);
        assertThat(c.runtime()).isEqualTo("unshare");
    }

    @Test
    void theHostsPidNamespaceWithAnOwnNetworkIsGroupedByItAndRuntimesComeFromTheCgroup() {
        String docker = "/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope";
        List<ProcessInfo> ps = List.of(
                p(1, 1, "/init.scope", List.of(1L), HOST),
                p(50, 5, "/user.slice/session-1.scope", List.of(50L), ns(1, 21, 3, 4, 5, 6, 7, 8)),
                p(60, 6, docker, List.of(60L, 1L), ns(11, 22, 31, 41, 51, 6, 71, 8)),
                p(70, 7, "/system.slice/systemd-logind.service", List.of(70L), ns(1, 2, 32, 42, 5, 6, 7, 8)));
        List<Container> cs = Grouping.containers(ps, HOST);
        assertThat(cs).extracting(Container::id).containsExactly("net-21", "pid-11", "mnt-32");
        assertThat(cs.get(1).runtime()).isEqualTo("docker");
        assertThat(cs.get(1).runtimeId()).startsWith("0123456789ab");
        assertThat(cs.get(2).runtime()).as("systemd's own sandboxing").isEqualTo("systemd");
        assertThat(cs.get(2).serviceSandbox()).isTrue();
    }

    @Test
    void aServiceWhoseProcessesMadeTheirOwnPidOrNetworkNamespaceIsAContainerNotSystemdsSandboxing() {
        // a Quadlet-like unit under PrivateTmp=: conmon-like parent in the unit's mount namespace 30,
        // the container in PID namespace 10 with a network namespace 20 and a mount namespace 31 of its own
        List<ProcessInfo> ps = List.of(
                p(1, 1, "/init.scope", List.of(1L), HOST),
                p(40, 10, "/system.slice/q.service", List.of(40L), ns(1, 2, 30, 4, 5, 6, 7, 8)),
                p(41, 11, "/system.slice/q.service", List.of(41L, 1L), ns(10, 20, 31, 4, 5, 6, 7, 8)),
                // a plain PrivateTmp= service stays systemd's
                p(70, 7, "/system.slice/logind.service", List.of(70L), ns(1, 2, 32, 4, 5, 6, 7, 8)));
        List<Container> cs = Grouping.containers(ps, HOST);
        assertThat(cs).extracting(Container::id).containsExactly("mnt-32", "mnt-30", "pid-10");
        assertThat(cs).filteredOn(c -> c.cgroup().equals("/system.slice/q.service"))
                .allSatisfy(c -> assertThat(c.serviceSandbox()).as(c.id()).isFalse());
        assertThat(cs.get(0).serviceSandbox()).as("logind").isTrue();
    }

    @Test
    void runtimesByCgroup() {
        assertThat(Runtimes.of("/machine.slice/libpod-abcdefabcdef0123.scope/container").runtime()).isEqualTo("podman");
        assertThat(Runtimes.of("/kubepods.slice/x/cri-containerd-abcdefabcdef0123.scope")).isEqualTo(
                new Runtimes.Identity("containerd", "abcdefabcdef0123"));
        assertThat(Runtimes.of("/machine.slice/systemd-nspawn@web.service/payload")).isEqualTo(
                new Runtimes.Identity("nspawn", "web"));
        assertThat(Runtimes.of("/machine.slice/machine-my\\x2dbox.scope")).isEqualTo(new Runtimes.Identity("nspawn", "my-box"));
        assertThat(Runtimes.of("/lxc.payload.c1/init.scope")).isEqualTo(new Runtimes.Identity("lxc", "c1"));
        assertThat(Runtimes.of("/user.slice/session-2.scope").runtime()).isEqualTo("unshare");
        assertThat(Runtimes.of("/system.slice/q.service/libpod-payload-abcdefabcdef0123")).as("Quadlet's --cgroups=split")
                .isEqualTo(new Runtimes.Identity("podman", "abcdefabcdef0123"));
    }

    @Test
    void procLinesAsTheKernelWritesThem() {
        assertThat(NamespaceScanner.startTicks("4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 "
                + "2265088 200 18446744073709551615")).isEqualTo(98765);
        assertThat(NamespaceScanner.cgroup("12:pids:/x\n1:name=systemd:/system.slice/a.service\n0::/system.slice/a.service\n", ""))
                .isEqualTo("/system.slice/a.service");
        assertThat(NamespaceScanner.cgroup("1:name=systemd:/system.slice/b.service\n0::/\n", "")).as("v1")
                .isEqualTo("/system.slice/b.service");
        assertThat(NamespaceScanner.cgroup("0::/outer/payload/system.slice/c.service\n", "/outer/payload"))
                .as("a container's systemd seen from outside").isEqualTo("/system.slice/c.service");
    }

    @Test
    void anIdFromBeforeTheForkStillNamesTheContainerThatNowHoldsItsNamespaceButNeverAGuess() {
        // unshare --net --pid --fork: a "net-20" container until its fork, then "pid-10"
        List<ProcessInfo> ps = List.of(
                p(1, 1, "/init.scope", List.of(1L), HOST),
                p(40, 10, "/system.slice/a.service", List.of(40L), ns(1, 20, 3, 4, 5, 6, 7, 8)),
                p(41, 11, "/system.slice/a.service", List.of(41L, 1L), ns(10, 20, 3, 4, 5, 6, 7, 8)),
                // a pod: two PID namespaces in one network namespace
                p(50, 12, "/system.slice/b.service", List.of(50L, 1L), ns(11, 21, 3, 4, 5, 6, 7, 8)),
                p(51, 13, "/system.slice/b.service", List.of(51L, 1L), ns(12, 21, 3, 4, 5, 6, 7, 8)));
        var snapshot = new NamespaceScanner.Snapshot(HOST, ps, Grouping.containers(ps, HOST), false);
        assertThat(snapshot.container("pid-10")).map(Container::id).hasValue("pid-10");
        assertThat(snapshot.container("net-20")).as("the id it had before the fork").map(Container::id).hasValue("pid-10");
        assertThat(snapshot.container("net-21")).as("held by two containers").isEmpty();
        assertThat(snapshot.container("net-2")).as("the host's own").isEmpty();
        assertThat(snapshot.container("mnt-99")).isEmpty();
        assertThat(snapshot.container("uts-")).isEmpty();
    }
}
