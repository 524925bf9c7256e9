package io.hostdeck.host.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;

class ProcFsTest {

    @Test
    void readsTheInodeOfANamespaceLink() {
        assertThat(ProcFs.parseNamespaceLink("pid:[4026531836]")).hasValue(4026531836L);
        assertThat(ProcFs.parseNamespaceLink("pid:[]")).isEmpty();
        assertThat(ProcFs.parseNamespaceLink("socket:[x]")).isEmpty();
        assertThat(ProcFs.parseNamespaceLink("/dev/null")).isEmpty();
    }

    @Test
    void countsEveryPidNamespaceOtherThanInitsOnce(@TempDir Path root) throws Exception {
        process(root, 1, 100);
        process(root, 2, 100);
        process(root, 40, 200);   // container A: init
        process(root, 41, 200);   //   and a child
        process(root, 77, 300);   // container B
        Files.createDirectories(root.resolve("proc/self"));   // not a PID: ignored
        Files.createDirectories(root.resolve("proc/99/ns"));   // vanished mid-scan: no ns link

        var procFs = new ProcFs(new HostProperties(root.toString(), null));

        assertThat(procFs.foreignPidNamespaces()).containsExactlyInAnyOrder(200L, 300L);
    }

    @Test
    void saysWhatIsMissingWhenThereIsNoProcfs(@TempDir Path root) {
        var procFs = new ProcFs(new HostProperties(root.toString(), null));

        assertThatThrownBy(procFs::foreignPidNamespaces).isInstanceOf(HostUnavailableException.class)
                .hasMessage("no procfs at " + root.resolve("proc") + " (" + root.resolve("proc/1/ns/pid") + " is missing)");
        assertThatThrownBy(procFs::kernelRelease).hasMessage("no procfs at " + root.resolve("proc"));
    }

    @Test
    void theKernelsHostnameIsTheTargetsOnlyInTheTargetsUtsNamespace(@TempDir Path root) throws Exception {
        process(root, 1, 100);
        Files.createSymbolicLink(root.resolve("proc/1/ns/uts"), Path.of("uts:[1]")); // not ours
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "db-7\n");

        var procFs = new ProcFs(new HostProperties(root.toString(), null));

        assertThat(procFs.kernelHostname()).isEmpty();
        assertThat(procFs.configuredHostname()).contains("db-7");
    }

    @Test
    void readsEachCpusBusyAndTotalTicksAndSkipsWhatItCannotRead() {
        var stat = ProcFs.parseCpuStat(java.util.List.of(
                "cpu  100 5 50 800 20 3 2 1 0 0",
                "cpu0 60 5 30 400 10 2 1 1 0 0",
                "cpu1 40 0 20 400 10 1 1 0 0 0",
                "cpu7 x 0 0 0 0",                 // garbled: left out
                "cpux 1 2 3 4 5",                 // not a CPU
                "intr 12345 0 0",
                "ctxt 999"));

        assertThat(stat.all()).isEqualTo(new ProcFs.CpuTicks(-1, 100 + 5 + 50 + 3 + 2 + 1, 981));
        assertThat(stat.cores()).extracting(ProcFs.CpuTicks::cpu).containsExactly(0, 1);
        // busy: 30 of 100 ticks since the reading before
        var before = new ProcFs.CpuTicks(0, 69, 409);
        assertThat(new ProcFs.CpuTicks(0, 99, 509).busyShare(before)).isEqualTo(0.3);
        assertThat(before.busyShare(before)).as("no time passed").isNaN();
    }

    @Test
    void aProcStatWithoutItsCpuLineIsUnavailable() {
        assertThatThrownBy(() -> ProcFs.parseCpuStat(java.util.List.of("intr 1"))).isInstanceOf(HostUnavailableException.class);
    }

    @Test
    void countsDisksNotTheirPartitionsLoopsOrStackedDevices() {
        var disks = ProcFs.parseDiskStats(java.util.List.of(
                " 254       0 vda 9405 2950 905614 3049 20318 11802 1234567 27040 0 21900 31284 0 0 0 0 1473 1195",
                " 254       1 vda1 9300 2950 900000 3000 20000 11802 1200000 27000 0 21800 31000 0 0 0 0 0 0",
                " 259       0 nvme0n1 10 0 20 0 30 0 40 0 0 0 0",
                " 259       1 nvme0n1p1 10 0 20 0 30 0 40 0 0 0 0",
                "   7       0 loop0 5 0 10 0 0 0 0 0 0 0 0",
                " 253       0 dm-0 5 0 10 0 0 0 0 0 0 0 0",
                "   8       0 sda 1 2",                 // too short: left out
                "   8      16 sdb x 0 1 0 1 0 y 0 0 0 0")); // garbled: left out

        assertThat(disks).containsExactly(new ProcFs.DiskIo("vda", 905614L * 512, 1234567L * 512),
                new ProcFs.DiskIo("nvme0n1", 20 * 512, 40 * 512));
    }

    @Test
    void aGarbledInterfaceLineLeavesTheOthers(@TempDir Path root) throws Exception {
        Path net = Files.createDirectories(root.resolve("proc/1/net"));
        Files.writeString(net.resolve("dev"), """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo: 1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
                  eth0: x 1 2
                  eth1: 99999999999 5    0    0    0     0          0         0     77      3    0    0    0     0       0          0
                """);

        var procFs = new ProcFs(new HostProperties(root.toString(), null));

        assertThat(procFs.netDev(1)).containsExactly(new ProcFs.NetDev("lo", 1000, 10, 1000, 10),
                new ProcFs.NetDev("eth1", 99999999999L, 5, 77, 3));
    }

    @Test
    void aFileSystemCountsOnceWhereItIsMountedWholeNotForEachBindMountOfPartOfIt() {
        var mounts = ProcFs.diskMounts(java.util.List.of(
                "21 1 0:20 / / rw,relatime - overlay overlay rw,lowerdir=/a,upperdir=/b",
                "22 21 254:1 / /srv rw,relatime shared:1 - ext4 /dev/vda1 rw",
                "23 21 254:1 /usr/lib/jvm /usr/lib/jvm ro,relatime - ext4 /dev/vda1 rw",   // a bind mount of a directory
                "24 21 254:1 / /mnt/again rw - ext4 /dev/vda1 rw",                       // the same file system again
                "25 21 254:2 / /data\\040disk rw master:3 - xfs /dev/vdb rw",
                "26 21 0:30 / /run rw - tmpfs tmpfs rw",                                  // not a disk
                "27 21 254:3 / /x rw -"));                                                 // cut short

        assertThat(mounts).containsExactly(new ProcFs.Mount("/", "overlay", "overlay"),
                new ProcFs.Mount("/srv", "/dev/vda1", "ext4"), new ProcFs.Mount("/data disk", "/dev/vdb", "xfs"));
    }

    @Test
    void aFileReadAtEveryTickIsReadAnewEachTimeAndAMissingOneIsUnavailable(@TempDir Path root) throws Exception {
        Path proc = Files.createDirectories(root.resolve("proc"));
        Files.writeString(proc.resolve("loadavg"), "0.50 0.40 0.30 1/100 42\n");
        var procFs = new ProcFs(new HostProperties(root.toString(), null));

        assertThat(procFs.loadAverage()).containsExactly(0.5, 0.4, 0.3);
        Files.writeString(proc.resolve("loadavg"), "2.00 1.00 0.75 3/120 43\n"); // as the kernel writes it anew
        assertThat(procFs.loadAverage()).containsExactly(2.0, 1.0, 0.75);
        assertThatThrownBy(procFs::uptimeSeconds).isInstanceOf(HostUnavailableException.class)
                .hasMessageStartingWith("cannot read " + proc + "/uptime");
        Files.writeString(proc.resolve("uptime"), "12.5 20.0\n");
        assertThat(procFs.uptimeSeconds()).as("opened once it is there").isEqualTo(12.5);
    }

    private static void process(Path root, int pid, long pidNs) throws Exception {
        Path ns = Files.createDirectories(root.resolve("proc/" + pid + "/ns"));
        Files.createSymbolicLink(ns.resolve("pid"), Path.of("pid:[" + pidNs + "]"));
    }
}
