package io.hostdeck.host.cgroupfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupLayoutTest {

    @Test
    void pureV2HasControllersAtTheTop(@TempDir Path cg) throws Exception {
        Files.writeString(cg.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
        assertThat(CgroupLayout.modeOf(cg)).isEqualTo(CgroupMode.V2);
    }

    @Test
    void hybridHasV1ControllersAndAV2TreeUnderUnified(@TempDir Path cg) throws Exception {
        Files.createDirectories(cg.resolve("memory"));
        Files.createDirectories(cg.resolve("unified"));
        Files.writeString(cg.resolve("unified/cgroup.controllers"), "");
        assertThat(CgroupLayout.modeOf(cg)).isEqualTo(CgroupMode.HYBRID);
    }

    @Test
    void legacyHasOnlyV1Hierarchies(@TempDir Path cg) throws Exception {
        Files.createDirectories(cg.resolve("cpu"));
        Files.createDirectories(cg.resolve("systemd"));
        assertThat(CgroupLayout.modeOf(cg)).isEqualTo(CgroupMode.V1);
    }

    @Test
    void nothingMountedIsSaidSo(@TempDir Path cg) {
        assertThat(CgroupLayout.modeOf(cg.resolve("missing"))).isEqualTo(CgroupMode.NONE);
    }

    @Test
    void thisMachineIsRecognised() {
        // the machine the tests run on mounts some cgroup layout; NONE would mean detection broke
        assertThat(CgroupLayout.modeOf(Path.of("/sys/fs/cgroup"))).isNotEqualTo(CgroupMode.NONE);
    }
}
