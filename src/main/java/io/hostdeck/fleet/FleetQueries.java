package io.hostdeck.fleet;

import java.time.Duration;
import java.util.List;

/**
 * Every PromQL query the fleet page runs, in one place, so that the same panels can be built in
 * Grafana (the README lists them, and {@code packaging/grafana/hostdeck-fleet.json} uses them).
 * In the templates, {@code SEL} stands for the job's matcher and the page's label filters
 * ({@code job="hostdeck"}), {@code UNITS} for a scoped grant's units ({@code ,name=~"app-.*\\.service"}),
 * {@code HOSTS} for the host filter ({@code and on (instance) last_over_time(hostdeck_info{...,hostname=~"web-.*"}[1h])})
 * and {@code RATE} for the rate window (1m, or four scrape intervals when that is longer).
 */
final class FleetQueries {

    /** How far back a host's hostdeck_info is looked for, so a host that went down keeps its name and link. */
    static final String INFO_WINDOW = "1h";
    /** The top tables' length. */
    static final int TOP = 20;

    /** One query: what it answers (its id on the page and in the README), and its template. */
    record Query(String id, String title, String template) {
        String render(String sel, String units, String hosts, Duration rate) {
            return render(sel, units, hosts, PromDuration.format(rate));
        }

        /** With the rate window as text: Grafana's {@code $__rate_interval}. */
        String render(String sel, String units, String hosts, String rate) {
            return template.replace("SEL", sel).replace("UNITS", units).replace("HOSTS", hosts).replace("RATE", rate);
        }
    }

    /** Leaves only cgroups that are not slices or the root: services, scopes and the containers under them. */
    private static final String NOT_SLICES = "id!~\"/|.*\\\\.slice\"";

    static final Query UP = new Query("up", "Up (1) or not (0), per scraped Hostdeck", "up{SEL}HOSTS");
    static final Query SCRAPED = new Query("scraped", "Seconds since the last scrape",
            "time() - timestamp(up{SEL})HOSTS");
    static final Query INFO = new Query("info", "Hostname, URL and versions (kept for an hour after the host goes down)",
            "last_over_time(hostdeck_info{SEL}[" + INFO_WINDOW + "])HOSTS");
    static final Query SYSTEMD = new Query("systemd", "systemd's state (systemctl is-system-running)",
            "hostdeck_systemd_system_state{SEL} == 1HOSTS");
    // one series a failed unit: node_systemd_unit_state{state="failed"} == 1 says the same, but has
    // a series for every unit of every host to look through (docs/benchmarks.md: FleetBench)
    static final Query FAILED_COUNT = new Query("failed_count", "Failed units per host (none: no failed unit)",
            "count by (instance) (hostdeck_systemd_unit_failed{SELUNITS})HOSTS");
    static final Query CPU = new Query("cpu", "Host CPU busy, fraction of all its cores",
            "sum by (instance) (rate(container_cpu_usage_seconds_total{SEL,id=\"/\"}[RATE]))"
                    + " / on (instance) machine_cpu_cores{SEL}HOSTS");
    static final Query MEMORY_USED = new Query("memory_used", "Host memory in use (MemTotal - MemAvailable), bytes",
            "node_memory_MemTotal_bytes{SEL} - node_memory_MemAvailable_bytes{SEL}HOSTS");
    static final Query MEMORY_TOTAL = new Query("memory_total", "Host memory, bytes", "node_memory_MemTotal_bytes{SEL}HOSTS");
    static final Query FAILED = new Query("failed", "Failed units of the whole fleet",
            "hostdeck_systemd_unit_failed{SELUNITS}HOSTS");
    static final Query FAILED_SINCE = new Query("failed_since", "When each failed unit failed (Unix seconds)",
            "hostdeck_systemd_unit_failed_since_seconds{SELUNITS}HOSTS");
    // the fleet's top 20 out of each host's own top 20 (hostdeck_top_*, docs/metrics.md): 80 series a
    // host instead of every cgroup's; the cAdvisor forms below give the same rows at a cost that
    // grows with every cgroup of the fleet (docs/benchmarks.md: FleetBench)
    static final Query TOP_CGROUPS_CPU = new Query("top_cgroups_cpu", "Top 20 cgroups by CPU (cores, at each host's last tick)",
            "topk(" + TOP + ", hostdeck_top_cgroup_cpu_cores{SEL}HOSTS)");
    static final Query TOP_CGROUPS_MEMORY = new Query("top_cgroups_memory", "Top 20 cgroups by memory (working set, bytes)",
            "topk(" + TOP + ", hostdeck_top_cgroup_memory_bytes{SEL}HOSTS)");
    static final Query TOP_CONTAINERS_CPU = new Query("top_containers_cpu", "Top 20 containers by CPU (cores, at each host's last tick)",
            "topk(" + TOP + ", hostdeck_top_container_cpu_cores{SEL}HOSTS)");
    static final Query TOP_CONTAINERS_MEMORY = new Query("top_containers_memory",
            "Top 20 containers by memory (working set, bytes)",
            "topk(" + TOP + ", hostdeck_top_container_memory_bytes{SEL}HOSTS)");

    /**
     * A grant limited to some units: its units' top cgroups from cAdvisor's series (a host's own
     * top 20 may hold none of them); the name matcher keeps the series looked at to its units.
     */
    static final Query SCOPED_TOP_CGROUPS_CPU = new Query("top_cgroups_cpu", "Top 20 of the grant's cgroups by CPU (cores)",
            "topk(" + TOP + ", rate(container_cpu_usage_seconds_total{SEL," + NOT_SLICES + "UNITS}[RATE])HOSTS)");
    static final Query SCOPED_TOP_CGROUPS_MEMORY = new Query("top_cgroups_memory",
            "Top 20 of the grant's cgroups by memory (working set, bytes)",
            "topk(" + TOP + ", container_memory_working_set_bytes{SEL," + NOT_SLICES + "UNITS}HOSTS)");

    static final List<Query> ALL = List.of(UP, SCRAPED, INFO, SYSTEMD, FAILED_COUNT, CPU, MEMORY_USED, MEMORY_TOTAL,
            FAILED, FAILED_SINCE, TOP_CGROUPS_CPU, TOP_CGROUPS_MEMORY, TOP_CONTAINERS_CPU, TOP_CONTAINERS_MEMORY);

    /** The queries a scoped grant runs: its units' cgroups, no containers (those pages are for grants over every unit). */
    static final List<Query> SCOPED = List.of(UP, SCRAPED, INFO, SYSTEMD, FAILED_COUNT, CPU, MEMORY_USED, MEMORY_TOTAL,
            FAILED, FAILED_SINCE, SCOPED_TOP_CGROUPS_CPU, SCOPED_TOP_CGROUPS_MEMORY);

    private FleetQueries() {
    }
}
