package io.hostdeck.host.systemd;

import java.time.Instant;

/**
 * What the services list shows of a loaded unit beyond ListUnits: its main process and when its
 * state last changed. {@code null} where the unit has none (a target has no main PID).
 */
public record UnitFacts(Long mainPid, Instant since) {

    UnitFacts withMainPid(Long pid) {
        return new UnitFacts(pid, since);
    }

    UnitFacts withSince(Instant when) {
        return new UnitFacts(mainPid, when);
    }
}
