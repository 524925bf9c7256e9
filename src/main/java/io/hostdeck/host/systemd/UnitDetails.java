package io.hostdeck.host.systemd;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One unit as its D-Bus properties describe it. Absent values are {@code null} (a unit that is
 * not a service has no main PID, a unit without accounting no memory figure), never zero.
 * {@code execStart} is each command line quoted as systemd quotes it (so a copy runs the same
 * thing); {@code exitStatus} the main process's last exit as systemctl status writes it
 * ("code=exited, status=1/FAILURE"), empty when it has none.
 */
public record UnitDetails(
        String name,
        String description,
        String loadState,
        String activeState,
        String subState,
        String unitFileState,
        String fragmentPath,
        List<String> dropInPaths,
        Instant stateChangedAt,
        String controlGroup,
        Long mainPid,
        List<String> execStart,
        String restart,
        String result,
        Limits limits,
        Long memoryCurrent,
        Long tasksCurrent,
        Long cpuUsageNSec,
        Map<String, List<String>> dependencies,
        List<String> failedConditions,
        Instant nextElapse,
        Instant lastTrigger,
        List<String> listen,
        String serviceType,
        String user,
        String exitStatus) {

    public String type() {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
