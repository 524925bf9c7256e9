package io.hostdeck.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hostdeck.host.cgroupfs.CgroupSample;
import io.hostdeck.host.cgroupfs.CgroupSample.IoDevice;
import io.hostdeck.host.cgroupfs.CgroupSample.Pressure;
import io.hostdeck.host.systemd.UnitSummary;

class PrometheusTextTest {

    private static CgroupSample sample(String path, Long memoryMax, Long failcnt) {
        return sample(path, memoryMax, failcnt, 4096L, 1024L, List.of());
    }

    private static CgroupSample sample(String path, Long memoryMax, Long failcnt, Long usage, Long inactiveFile,
            List<IoDevice> devices) {
        return new CgroupSample(path, 0, 0, 2_500_000L, 2_000_000L, 500_000L, null, null, null, 30_000L, 100_000L, null, 1024L,
                usage, memoryMax, null, 1000L, 2000L, inactiveFile, null, failcnt, null, 1L, 10L, 20L, devices, 3L, null,
                new Pressure(1.5, null, 750_000L, null), null, null);
    }

    @Test
    void countersInSecondsLabelsEscapedAndWhatALayoutLacksLeftOut() {
        String docker = "/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope";
        String text = PrometheusText.render(Map.of("/system.slice/a\"b.service", sample("/system.slice/a\"b.service", null, 7L),
                docker, sample(docker, 1L << 30, null)), List.of());
        assertThat(text).contains("container_cpu_usage_seconds_total{id=\"/system.slice/a\\\"b.service\",name=\"a\\\"b.service\"} 2.5\n")
                .contains("container_spec_cpu_quota{id=\"/system.slice/a\\\"b.service\",name=\"a\\\"b.service\"} 30000\n")
                .contains("container_pressure_cpu_waiting_seconds_total{id=\"/system.slice/a\\\"b.service\",name=\"a\\\"b.service\"} 0.75\n")
                .contains("container_memory_failcnt{id=\"/system.slice/a\\\"b.service\",name=\"a\\\"b.service\"} 7\n")
                .contains(",container_runtime=\"docker\",container_id=\"0123456789abcdef")
                .contains("container_spec_memory_limit_bytes{id=\"" + docker + "\"");
        assertThat(text).as("no limit: no line, never a made-up zero")
                .doesNotContain("container_spec_memory_limit_bytes{id=\"/system.slice/a\\\"b.service\"")
                .doesNotContain("container_pressure_cpu_stalled_seconds_total{");
    }

    @Test
    void everyUnitHasItsFiveStatesOneOfThemOne() {
        String text = PrometheusText.render(Map.of(), List.of(new UnitSummary("x.timer", "", "loaded", "failed", "failed")));
        assertThat(text.lines().filter(l -> l.startsWith("node_systemd_unit_state{")).toList()).containsExactly(
                "node_systemd_unit_state{name=\"x.timer\",state=\"active\",type=\"timer\"} 0",
                "node_systemd_unit_state{name=\"x.timer\",state=\"activating\",type=\"timer\"} 0",
                "node_systemd_unit_state{name=\"x.timer\",state=\"deactivating\",type=\"timer\"} 0",
                "node_systemd_unit_state{name=\"x.timer\",state=\"inactive\",type=\"timer\"} 0",
                "node_systemd_unit_state{name=\"x.timer\",state=\"failed\",type=\"timer\"} 1");
    }

    @Test
    void theWorkingSetIsUsageLessInactiveFileAtLeastZeroAndAbsentWithoutEither() {
        String text = PrometheusText.render(Map.of(
                "/a.service", sample("/a.service", null, null, 10_000L, 3_000L, List.of()),
                "/b.service", sample("/b.service", null, null, 2_000L, 3_000L, List.of()),
                "/", sample("/", null, null, null, 3_000L, List.of()),
                "/c.service", sample("/c.service", null, null, 10_000L, null, List.of())), List.of());
        assertThat(text.lines().filter(l -> l.startsWith("container_memory_working_set_bytes{")).toList()).containsExactly(
                "container_memory_working_set_bytes{id=\"/a.service\",name=\"a.service\"} 7000",
                "container_memory_working_set_bytes{id=\"/b.service\",name=\"b.service\"} 0");
        assertThat(text).contains("# TYPE container_memory_working_set_bytes gauge\n");
    }

    @Test
    void blockIoIsPerDeviceUnderCadvisorsNamesAndLabels() {
        List<IoDevice> two = List.of(new IoDevice(254, 0, 4096, 8192), new IoDevice(7, 0, 512, 0));
        String text = PrometheusText.render(Map.of("/a.service", sample("/a.service", null, null, 1L, 1L, two),
                "/b.service", sample("/b.service", null, null, 1L, 1L, List.of()),
                "/c.service", sample("/c.service", null, null, 1L, 1L, null)), List.of());
        String l = "id=\"/a.service\",name=\"a.service\"";
        assertThat(text.lines().filter(x -> x.startsWith("container_blkio_device_usage_total{")).toList()).containsExactly(
                "container_blkio_device_usage_total{" + l + ",device=\"254:0\",major=\"254\",minor=\"0\",operation=\"Read\"} 4096",
                "container_blkio_device_usage_total{" + l + ",device=\"254:0\",major=\"254\",minor=\"0\",operation=\"Write\"} 8192",
                "container_blkio_device_usage_total{" + l + ",device=\"7:0\",major=\"7\",minor=\"0\",operation=\"Read\"} 512",
                "container_blkio_device_usage_total{" + l + ",device=\"7:0\",major=\"7\",minor=\"0\",operation=\"Write\"} 0");
        assertThat(text.lines().filter(x -> x.startsWith("container_fs_")).toList()).containsExactly(
                "container_fs_reads_bytes_total{" + l + ",device=\"254:0\"} 4096",
                "container_fs_reads_bytes_total{" + l + ",device=\"7:0\"} 512",
                "container_fs_writes_bytes_total{" + l + ",device=\"254:0\"} 8192",
                "container_fs_writes_bytes_total{" + l + ",device=\"7:0\"} 0");
        assertThat(text).contains("# TYPE container_blkio_device_usage_total counter\n")
                .contains("# TYPE container_fs_reads_bytes_total counter\n");
    }

    @Test
    void theHostSaysWhoItIsItsSystemdStateAndSinceWhenUnitsFailed() {
        String text = PrometheusText.renderHost(new PrometheusText.HostFacts("web-1", "https://web-1.example", "0.1.0",
                "hybrid", "252.39-1~deb12u2", "degraded", 4, 8L << 30, 6L << 30, List.of("a\"b.service"),
                Map.of("a\"b.service", java.time.Instant.ofEpochSecond(1_700_000_000, 500_000_000))));
        assertThat(text).contains("hostdeck_info{hostname=\"web-1\",url=\"https://web-1.example\",version=\"0.1.0\","
                        + "cgroup_mode=\"hybrid\",systemd_version=\"252.39-1~deb12u2\"} 1\n")
                .contains("hostdeck_systemd_system_state{state=\"degraded\"} 1\n")
                .contains("hostdeck_systemd_system_state{state=\"running\"} 0\n")
                .contains("node_systemd_system_running 0\n")
                .contains("machine_cpu_cores 4\n")
                .contains("node_memory_MemTotal_bytes 8589934592\n")
                .contains("node_memory_MemAvailable_bytes 6442450944\n")
                .contains("hostdeck_systemd_unit_failed{name=\"a\\\"b.service\",type=\"service\"} 1\n")
                .contains("hostdeck_systemd_unit_failed_since_seconds{name=\"a\\\"b.service\",type=\"service\"} 1.7000000005E9\n");
        String noSystemd = PrometheusText.renderHost(new PrometheusText.HostFacts("h", "", "dev", "none", null, null, null,
                null, null, List.of(), Map.of()));
        assertThat(noSystemd).contains("systemd_version=\"\"} 1\n").doesNotContain("hostdeck_systemd_system_state{")
                .doesNotContain("machine_cpu_cores ").doesNotContain("node_memory_MemTotal_bytes ")
                .doesNotContain("hostdeck_systemd_unit_failed{");
    }

    @Test
    void theHostsOwnTopTwentyCgroupsAndContainersNotItsSlices() {
        String docker = "/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope";
        Map<String, CgroupSample> samples = new java.util.HashMap<>();
        Map<String, Double> cpu = new java.util.HashMap<>();
        for (int i = 0; i < 30; i++) {
            String path = "/system.slice/s" + i + ".service";
            samples.put(path, sample(path, null, null, 1000L * (i + 1), 0L, List.of()));
            cpu.put(path, i / 100.0);
        }
        samples.put("/", sample("/", null, null, 1L << 40, 0L, List.of()));
        cpu.put("/", 2.0);
        samples.put("/system.slice", sample("/system.slice", null, null, 1L << 39, 0L, List.of()));
        cpu.put("/system.slice", 1.5);
        samples.put(docker, sample(docker, null, null, 5000L, 0L, List.of()));
        cpu.put(docker, 0.05);
        String text = PrometheusText.renderTop(samples, cpu);
        List<String> cpuLines = text.lines().filter(l -> l.startsWith("hostdeck_top_cgroup_cpu_cores{")).toList();
        assertThat(cpuLines).hasSize(20).first().asString()
                .isEqualTo("hostdeck_top_cgroup_cpu_cores{id=\"/system.slice/s29.service\",name=\"s29.service\"} 0.29");
        assertThat(text).doesNotContain("{id=\"/\"").doesNotContain("{id=\"/system.slice\",")
                .contains("hostdeck_top_cgroup_memory_bytes{id=\"/system.slice/s29.service\",name=\"s29.service\"} 30000\n")
                .containsPattern("hostdeck_top_container_cpu_cores\\{id=\"" + docker + "\",name=\"[^\"]+\",container_runtime=\"docker\",container_id=\"0123456789abcdef[0-9a-f]*\"} 0.05\n")
                .contains("hostdeck_top_container_memory_bytes{id=\"" + docker + "\"");
        assertThat(text.lines().filter(l -> l.startsWith("hostdeck_top_container_cpu_cores{")).count()).isEqualTo(1);
    }
}
