package io.hostdeck.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The fleet as Prometheus knows it at one instant: every Hostdeck it scrapes, the fleet's failed
 * units, and the top cgroups and containers by CPU and memory. Values Prometheus has no series for
 * are null (shown as "—"), never zero.
 *
 * @param queries    each query's id and the PromQL that was run, as the page lists them for Grafana
 * @param failedMore failed units left out of {@code failed} to keep the page bounded
 */
public record Fleet(List<Host> hosts, List<FailedUnit> failed, int failedMore, List<Top> topCgroupsCpu,
        List<Top> topCgroupsMemory, List<Top> topContainersCpu, List<Top> topContainersMemory, boolean scoped,
        Map<String, String> queries, Instant at, Duration took, Duration interval) {

    /** At most this many failed units are listed; a filter narrows the rest down. */
    static final int MAX_FAILED = 200;

    /**
     * One scraped Hostdeck. {@code link} is its {@code hostdeck.external-url} when that is a safe
     * http(s) URL, else null.
     */
    public record Host(String instance, String hostname, String link, Boolean up, String systemdState, Integer failedUnits,
            Double cpu, Long memoryUsed, Long memoryTotal, Double scrapedSecondsAgo, String version, String cgroupMode,
            String systemdVersion) {

        /** The name to show: the hostname it reports, else Prometheus's instance. */
        public String name() {
            return hostname == null || hostname.isEmpty() ? instance : hostname;
        }

        public boolean down() {
            return !Boolean.TRUE.equals(up);
        }

        public Double memoryFraction() {
            return memoryUsed == null || memoryTotal == null || memoryTotal == 0 ? null : memoryUsed / (double) memoryTotal;
        }
    }

    /** A failed unit on a host; {@code since} null when that host has not said yet. */
    public record FailedUnit(String instance, String host, String unit, String link, Instant since) {
    }

    /**
     * A row of a top table: a cgroup (or a container's cgroup) on a host, with its CPU in cores or
     * its memory in bytes; {@code link} to its page on that host's Hostdeck.
     */
    public record Top(String instance, String host, String cgroup, String name, String runtime, String containerId,
            double value, String link, String unitLink) {

        public long bytes() {
            return Math.round(value);
        }
    }
}
