package io.hostdeck.cgroups;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

import io.hostdeck.audit.AuditLog;
import io.hostdeck.error.ConflictException;
import io.hostdeck.host.cgroupfs.CgroupWriter;

/**
 * The privileged layer of the cgroups feature: raw limits, written in the mode's own files, for
 * cgroups that no unit owns (made by hand, by a runtime). A cgroup systemd manages is refused
 * here: systemd would overwrite the files, so its limits belong on the unit.
 */
@Service
public class CgroupActions {

    private final CgroupWriter writer;
    private final AuditLog audit;

    CgroupActions(CgroupWriter writer, AuditLog audit) {
        this.writer = writer;
        this.audit = audit;
    }

    @PreAuthorize("hasRole('ADMIN')")
    public void setLimits(String path, RawLimits limits) {
        io.hostdeck.security.Scope.current().requireAll("raw cgroup limits");
        String unit = CgroupPaths.unit(path);
        if (unit != null || "/".equals(path)) {
            throw new ConflictException(path + " is managed by systemd" + (unit == null ? "" : " as " + unit)
                    + ": set its limits on the unit, or systemd will undo them");
        }
        Map<String, String> args = new LinkedHashMap<>();
        limits.describe(args);
        try {
            if (limits.memorySet()) {
                writer.setMemoryMax(path, limits.memoryMax());
            }
            if (limits.cpuWeight() != null) {
                writer.setCpuWeight(path, limits.cpuWeight());
            }
            if (limits.cpuQuotaSet()) {
                writer.setCpuQuota(path, limits.cpuQuotaUsec(), RawLimits.PERIOD_USEC);
            }
            if (limits.pidsSet()) {
                writer.setPidsMax(path, limits.pidsMax());
            }
        } catch (RuntimeException e) {
            audit.record("cgroup-limits", path, args, "error: " + e.getMessage());
            throw e;
        }
        audit.record("cgroup-limits", path, args, "done");
    }
}
