package io.hostdeck.system;

import io.hostdeck.host.Reading;
import io.hostdeck.host.cgroupfs.CgroupMode;
import io.hostdeck.host.systemd.ManagerInfo;

/** What the home page tells about the host; each part read on its own, so one missing part doesn't hide the others. */
record HostOverview(
        Reading<String> hostname,
        Reading<String> kernel,
        CgroupMode cgroupMode,
        Reading<ManagerInfo> systemd,
        Reading<UnitCounts> units,
        Reading<Integer> containers,
        String busAddress,
        Reading<Figures> figures,
        Reading<java.util.List<io.hostdeck.host.procfs.ProcFs.FileSystem>> fileSystems,
        Reading<java.util.List<HostSampler.Interface>> interfaces,
        Reading<java.util.List<HostSampler.Core>> cores,
        HostSampler.Now now) {

    record UnitCounts(int total, int failed) {
    }

    /** CPUs, load, uptime, memory and swap, from the target's /proc. */
    record Figures(int cpus, double[] load, double uptimeSeconds, io.hostdeck.host.procfs.ProcFs.Memory memory) {

        /** Uptime as uptime(1) writes it: "3 days, 04:05" or "04:05". */
        public String uptime() {
            long s = (long) uptimeSeconds;
            long days = s / 86400;
            String clock = String.format("%02d:%02d", (s % 86400) / 3600, (s % 3600) / 60);
            return days == 0 ? clock : days + (days == 1 ? " day, " : " days, ") + clock;
        }

        public String loadText() {
            return String.format(java.util.Locale.ROOT, "%.2f %.2f %.2f", load[0], load[1], load[2]);
        }
    }
}
