package io.hostdeck.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hostdeck.host.cgroupfs.CgroupSample;
import io.hostdeck.host.cgroupfs.CgroupSample.Pressure;
import io.hostdeck.host.systemd.UnitSummary;

class PrometheusTextTest {

    private static CgroupSample sample(String path, Long memoryMax, Long failcnt) {
        return new CgroupSample(path, 0, 2_500_000L, 2_000_000L, 500_000L, null, null, null, 30_000L, 100_000L, null, 1024L,
                4096L, memoryMax, null, 1000L, 2000L, 1024L, null, failcnt, null, 1L, 10L, 20L, List.of(), 3L, null,
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
}
