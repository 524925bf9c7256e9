package io.hostdeck.services;

import java.time.Instant;

/**
 * One line of the services list. A unit file that systemd has not loaded has {@code loaded}
 * false and no runtime state; numbers it cannot have are {@code null}, shown as "—".
 */
public record UnitRow(String name, String description, String loadState, String activeState, String subState,
        String enablement, Long mainPid, Instant since, Double cpuPercent, Long memoryBytes, Long tasks,
        boolean loaded) {

    public String type() {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    public boolean failed() {
        return "failed".equals(activeState);
    }
}
