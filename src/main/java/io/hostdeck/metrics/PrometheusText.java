package io.hostdeck.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import io.hostdeck.host.cgroupfs.CgroupSample;
import io.hostdeck.host.cgroupfs.CgroupSample.IoDevice;
import io.hostdeck.host.namespaces.Runtimes;
import io.hostdeck.host.systemd.UnitSummary;

/**
 * The Prometheus text format (0.0.4) under cAdvisor's metric names for cgroups and node_exporter's
 * systemd collector's for unit states, rendered from readings already made: nothing here reads the
 * host. A value a layout does not have is left out, never written as zero.
 */
public final class PrometheusText {

    private record Metric(String name, String type, String help, Function<CgroupSample, Double> value) {
    }

    private static final List<Metric> CGROUP_METRICS = List.of(
            new Metric("container_cpu_usage_seconds_total", "counter", "Cumulative CPU time consumed (cpu.stat usage_usec; v1 cpuacct.usage)",
                    s -> micros(s.cpuUsageUsec())),
            new Metric("container_cpu_user_seconds_total", "counter", "Cumulative user CPU time", s -> micros(s.cpuUserUsec())),
            new Metric("container_cpu_system_seconds_total", "counter", "Cumulative system CPU time", s -> micros(s.cpuSystemUsec())),
            new Metric("container_cpu_cfs_periods_total", "counter", "Number of elapsed enforcement periods", s -> num(s.cpuPeriods())),
            new Metric("container_cpu_cfs_throttled_periods_total", "counter", "Number of throttled periods", s -> num(s.cpuThrottled())),
            new Metric("container_cpu_cfs_throttled_seconds_total", "counter", "Total time throttled", s -> micros(s.cpuThrottledUsec())),
            new Metric("container_memory_usage_bytes", "gauge", "Current memory usage (memory.current; v1 memory.usage_in_bytes)",
                    s -> num(s.memoryBytes())),
            new Metric("container_memory_working_set_bytes", "gauge",
                    "Current working set: usage minus inactive page cache (memory.stat inactive_file; v1 total_inactive_file)",
                    s -> num(s.memoryWorkingSet())),
            new Metric("container_memory_rss", "gauge", "Anonymous memory (memory.stat anon; v1 total_rss)", s -> num(s.memoryAnon())),
            new Metric("container_memory_cache", "gauge", "Page cache (memory.stat file; v1 total_cache)", s -> num(s.memoryFile())),
            new Metric("container_memory_swap", "gauge", "Swap usage", s -> num(s.swapBytes())),
            new Metric("container_memory_failcnt", "counter", "Times the memory limit was hit (v1 memory.failcnt)", s -> num(s.memoryFailcnt())),
            new Metric("container_oom_events_total", "counter", "OOM kills (memory.events oom_kill; v1 memory.oom_control)", s -> num(s.oomKills())),
            new Metric("container_spec_memory_limit_bytes", "gauge", "Memory limit (memory.max; v1 memory.limit_in_bytes)", s -> num(s.memoryMax())),
            new Metric("container_spec_cpu_quota", "gauge", "CPU quota per period in µs (cpu.max; v1 cpu.cfs_quota_us)", s -> num(s.cpuQuotaUsec())),
            new Metric("container_spec_cpu_period", "gauge", "CPU period in µs", s -> num(s.cpuPeriodUsec())),
            new Metric("container_spec_cpu_shares", "gauge", "CPU shares (v1 cpu.shares; v2 cpu.weight mapped as systemd maps it)",
                    s -> s.cpuShares() != null ? num(s.cpuShares()) : s.cpuWeight() == null ? null : s.cpuWeight() * 1024.0 / 100),
            new Metric("container_processes", "gauge", "Number of tasks (pids.current)", s -> num(s.tasks())),
            new Metric("container_pressure_cpu_waiting_seconds_total", "counter", "Time some tasks waited for CPU (cpu.pressure some total)",
                    s -> s.cpuPressure() == null ? null : s.cpuPressure().someTotalUsec() / 1e6),
            new Metric("container_pressure_cpu_stalled_seconds_total", "counter", "Time all tasks stalled on CPU",
                    s -> s.cpuPressure() == null || s.cpuPressure().fullTotalUsec() == null ? null : s.cpuPressure().fullTotalUsec() / 1e6),
            new Metric("container_pressure_memory_waiting_seconds_total", "counter", "Time some tasks waited for memory",
                    s -> s.memoryPressure() == null ? null : s.memoryPressure().someTotalUsec() / 1e6),
            new Metric("container_pressure_memory_stalled_seconds_total", "counter", "Time all tasks stalled on memory",
                    s -> s.memoryPressure() == null || s.memoryPressure().fullTotalUsec() == null ? null : s.memoryPressure().fullTotalUsec() / 1e6),
            new Metric("container_pressure_io_waiting_seconds_total", "counter", "Time some tasks waited for IO",
                    s -> s.ioPressure() == null ? null : s.ioPressure().someTotalUsec() / 1e6),
            new Metric("container_pressure_io_stalled_seconds_total", "counter", "Time all tasks stalled on IO",
                    s -> s.ioPressure() == null || s.ioPressure().fullTotalUsec() == null ? null : s.ioPressure().fullTotalUsec() / 1e6));

    /** Per block device: a name, its help, and the value of one device. */
    private record DeviceMetric(String name, String help, ToLongFunction<IoDevice> value) {
    }

    /** cAdvisor's per-device byte counters, label {@code device} (here "major:minor"). */
    private static final List<DeviceMetric> DEVICE_METRICS = List.of(
            new DeviceMetric("container_fs_reads_bytes_total", "Cumulative count of bytes read (io.stat rbytes; v1 blkio Read)",
                    IoDevice::readBytes),
            new DeviceMetric("container_fs_writes_bytes_total", "Cumulative count of bytes written (io.stat wbytes; v1 blkio Write)",
                    IoDevice::writeBytes));

    static final List<String> UNIT_STATES = List.of("active", "activating", "deactivating", "inactive", "failed");

    private PrometheusText() {
    }

    public static String render(Map<String, CgroupSample> samples, List<UnitSummary> units) {
        return render(samples, units, Map.of());
    }

    /**
     * With what the runtimes' APIs tell, by container id: a runtime's container gets its name as
     * {@code name} and its {@code image}, as cAdvisor labels Docker's.
     */
    public static String render(Map<String, CgroupSample> samples, List<UnitSummary> units,
            Map<String, io.hostdeck.host.runtime.RuntimeContainer> byId) {
        StringBuilder out = new StringBuilder(samples.size() * 2400 + units.size() * 400);
        Map<String, String> labels = new TreeMap<>();
        samples.keySet().stream().sorted().forEach(path -> labels.put(path, labels(path, byId)));
        for (Metric m : CGROUP_METRICS) {
            out.append("# HELP ").append(m.name()).append(' ').append(m.help()).append('\n');
            out.append("# TYPE ").append(m.name()).append(' ').append(m.type()).append('\n');
            labels.forEach((path, l) -> {
                Double v = m.value().apply(samples.get(path));
                if (v != null) {
                    out.append(m.name()).append('{').append(l).append("} ").append(number(v)).append('\n');
                }
            });
        }
        for (DeviceMetric m : DEVICE_METRICS) {
            out.append("# HELP ").append(m.name()).append(' ').append(m.help()).append('\n');
            out.append("# TYPE ").append(m.name()).append(" counter\n");
            labels.forEach((path, l) -> forEachDevice(samples.get(path), d -> out.append(m.name()).append('{').append(l)
                    .append(",device=\"").append(d.device()).append("\"} ").append(m.value().applyAsLong(d))
                    .append('\n')));
        }
        // cAdvisor's labels for the same bytes: device, major, minor, operation (Read, Write)
        out.append("# HELP container_blkio_device_usage_total Blkio Device bytes usage\n");
        out.append("# TYPE container_blkio_device_usage_total counter\n");
        labels.forEach((path, l) -> forEachDevice(samples.get(path), d -> {
            for (int write = 0; write < 2; write++) {
                out.append("container_blkio_device_usage_total{").append(l).append(",device=\"").append(d.device())
                        .append("\",major=\"").append(d.major()).append("\",minor=\"").append(d.minor())
                        .append("\",operation=\"").append(write == 0 ? "Read" : "Write").append("\"} ")
                        .append(write == 0 ? d.readBytes() : d.writeBytes()).append('\n');
            }
        }));
        out.append("# HELP node_systemd_unit_state Systemd unit\n# TYPE node_systemd_unit_state gauge\n");
        List<UnitSummary> sorted = new ArrayList<>(units);
        sorted.sort((a, b) -> a.name().compareTo(b.name()));
        for (UnitSummary u : sorted) {
            int dot = u.name().lastIndexOf('.');
            String type = dot < 0 ? "" : u.name().substring(dot + 1);
            for (String state : UNIT_STATES) {
                out.append("node_systemd_unit_state{name=\"").append(escape(u.name())).append("\",state=\"").append(state)
                        .append("\",type=\"").append(escape(type)).append("\"} ")
                        .append(state.equals(u.activeState()) ? "1" : "0").append('\n');
            }
        }
        return out.toString();
    }

    /** The manager's states as {@code systemctl is-system-running} names them. */
    static final List<String> SYSTEM_STATES = List.of("initializing", "starting", "running", "degraded", "maintenance",
            "stopping", "offline", "unknown");

    /**
     * What the fleet page reads of a host beside its cgroups: who it is ({@code hostdeck_info}),
     * systemd's state, the machine's CPUs and memory, and since when its failed units have failed.
     * A part that could not be read is null and left out.
     *
     * @param systemdVersion null when systemd did not answer; then its state is left out too
     * @param failed         the failed units (ListUnits)
     * @param failedSince    the failed units' StateChangeTimestamp, those systemd has told so far
     */
    public record HostFacts(String hostname, String url, String version, String cgroupMode, String systemdVersion,
            String systemState, Integer cpus, Long memTotalBytes, Long memAvailableBytes, List<String> failed,
            Map<String, java.time.Instant> failedSince) {
    }

    public static String renderHost(HostFacts h) {
        StringBuilder out = new StringBuilder(512 + h.failedSince().size() * 120);
        out.append("# HELP hostdeck_info Hostdeck on this host: its hostname, external URL (hostdeck.external-url), version,")
                .append(" cgroup layout and systemd version\n# TYPE hostdeck_info gauge\n")
                .append("hostdeck_info{hostname=\"").append(escape(h.hostname())).append("\",url=\"").append(escape(h.url()))
                .append("\",version=\"").append(escape(h.version())).append("\",cgroup_mode=\"").append(escape(h.cgroupMode()))
                .append("\",systemd_version=\"").append(escape(h.systemdVersion() == null ? "" : h.systemdVersion()))
                .append("\"} 1\n");
        if (h.systemState() != null) {
            out.append("# HELP hostdeck_systemd_system_state The manager's state (systemctl is-system-running): 1 for the")
                    .append(" current one, 0 for the others\n# TYPE hostdeck_systemd_system_state gauge\n");
            String current = SYSTEM_STATES.contains(h.systemState()) ? h.systemState() : "unknown";
            for (String state : SYSTEM_STATES) {
                out.append("hostdeck_systemd_system_state{state=\"").append(state).append("\"} ")
                        .append(state.equals(current) ? '1' : '0').append('\n');
            }
            out.append("# HELP node_systemd_system_running Whether the system is operational (systemctl is-system-running)\n")
                    .append("# TYPE node_systemd_system_running gauge\nnode_systemd_system_running ")
                    .append("running".equals(current) ? '1' : '0').append('\n');
        }
        if (h.cpus() != null) {
            out.append("# HELP machine_cpu_cores Number of logical CPU cores online (/proc/stat)\n# TYPE machine_cpu_cores gauge\n")
                    .append("machine_cpu_cores ").append(h.cpus()).append('\n');
        }
        if (h.memTotalBytes() != null) {
            out.append("# HELP node_memory_MemTotal_bytes Memory information field MemTotal_bytes.\n")
                    .append("# TYPE node_memory_MemTotal_bytes gauge\nnode_memory_MemTotal_bytes ").append(h.memTotalBytes())
                    .append('\n');
        }
        if (h.memAvailableBytes() != null) {
            out.append("# HELP node_memory_MemAvailable_bytes Memory information field MemAvailable_bytes.\n")
                    .append("# TYPE node_memory_MemAvailable_bytes gauge\nnode_memory_MemAvailable_bytes ")
                    .append(h.memAvailableBytes()).append('\n');
        }
        out.append("# HELP hostdeck_systemd_unit_failed A failed unit (ListUnits): one series a failed unit, none for the others\n")
                .append("# TYPE hostdeck_systemd_unit_failed gauge\n");
        for (String unit : new java.util.TreeSet<>(h.failed())) {
            int dot = unit.lastIndexOf('.');
            out.append("hostdeck_systemd_unit_failed{name=\"").append(escape(unit)).append("\",type=\"")
                    .append(escape(dot < 0 ? "" : unit.substring(dot + 1))).append("\"} 1\n");
        }
        out.append("# HELP hostdeck_systemd_unit_failed_since_seconds When a failed unit entered its failed state")
                .append(" (StateChangeTimestamp), Unix seconds; failed units only\n")
                .append("# TYPE hostdeck_systemd_unit_failed_since_seconds gauge\n");
        new TreeMap<>(h.failedSince()).forEach((unit, since) -> {
            int dot = unit.lastIndexOf('.');
            out.append("hostdeck_systemd_unit_failed_since_seconds{name=\"").append(escape(unit)).append("\",type=\"")
                    .append(escape(dot < 0 ? "" : unit.substring(dot + 1))).append("\"} ")
                    .append(number(since.toEpochMilli() / 1000.0)).append('\n');
        });
        return out.toString();
    }

    /** How many cgroups each top list exports. */
    public static final int TOP = 20;

    /**
     * This host's own top {@link #TOP} cgroups and containers by CPU and by memory, so that a fleet
     * page can take the fleet's top 20 out of 20 series a host instead of every cgroup's: the
     * fleet's top 20 are always among the hosts' top 20s. Cgroups are those the fleet page ranks:
     * not the root, not slices; containers are cgroups a runtime made (container_runtime). CPU is
     * the sampler's last tick, in cores; memory the working set.
     */
    public static String renderTop(Map<String, CgroupSample> samples, Map<String, Double> cpuCores) {
        List<String> cgroups = new ArrayList<>();
        List<String> containers = new ArrayList<>();
        for (String path : samples.keySet()) {
            if (!Runtimes.of(path).runtime().equals("unshare")) {
                containers.add(path);
            }
            if (!path.equals("/") && !path.endsWith(".slice")) {
                cgroups.add(path);
            }
        }
        Function<String, Double> cpu = cpuCores::get;
        Function<String, Double> memory = p -> num(samples.get(p).memoryWorkingSet());
        StringBuilder out = new StringBuilder(4 * TOP * 200);
        top(out, "hostdeck_top_cgroup_cpu_cores", "This host's top cgroups (not slices) by CPU at the sampler's last tick, in cores",
                cgroups, cpu);
        top(out, "hostdeck_top_cgroup_memory_bytes", "This host's top cgroups (not slices) by working set, in bytes", cgroups,
                memory);
        top(out, "hostdeck_top_container_cpu_cores", "This host's top containers by CPU at the sampler's last tick, in cores",
                containers, cpu);
        top(out, "hostdeck_top_container_memory_bytes", "This host's top containers by working set, in bytes", containers,
                memory);
        return out.toString();
    }

    private static void top(StringBuilder out, String name, String help, List<String> paths, Function<String, Double> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        paths.stream().filter(p -> value.apply(p) != null)
                .sorted(java.util.Comparator.comparing(value, java.util.Comparator.reverseOrder())
                        .thenComparing(java.util.Comparator.naturalOrder()))
                .limit(TOP)
                .forEach(p -> out.append(name).append('{').append(labels(p)).append("} ").append(number(value.apply(p)))
                        .append('\n'));
    }

    private static void forEachDevice(CgroupSample s, Consumer<IoDevice> action) {
        if (s.ioDevices() != null) {
            s.ioDevices().forEach(action);
        }
    }

    /** id (the cgroup path), name (its last part, the unit for systemd's cgroups), and a runtime's container. */
    static String labels(String path) {
        return labels(path, Map.of());
    }

    static String labels(String path, Map<String, io.hostdeck.host.runtime.RuntimeContainer> byId) {
        String name = path.equals("/") ? "/" : path.substring(path.lastIndexOf('/') + 1);
        Runtimes.Identity who = Runtimes.of(path);
        io.hostdeck.host.runtime.RuntimeContainer rc = byId.get(who.id());
        if (rc != null && !rc.runtime().equals(who.runtime())) {
            rc = null;
        }
        StringBuilder l = new StringBuilder("id=\"").append(escape(path)).append("\",name=\"")
                .append(escape(rc != null ? rc.name() : name)).append('"');
        if (!who.runtime().equals("unshare")) {
            l.append(",container_runtime=\"").append(escape(who.runtime())).append("\",container_id=\"")
                    .append(escape(who.id())).append('"');
        }
        if (rc != null) {
            l.append(",image=\"").append(escape(rc.image())).append('"');
        }
        return l.toString();
    }

    /** A label value: backslash, double quote and newline escaped, as the format wants. */
    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static Double micros(Long usec) {
        return usec == null ? null : usec / 1e6;
    }

    private static Double num(Long v) {
        return v == null ? null : v.doubleValue();
    }
}
