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
        String busAddress) {

    record UnitCounts(int total, int failed) {
    }
}
