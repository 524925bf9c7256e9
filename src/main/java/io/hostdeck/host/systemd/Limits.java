package io.hostdeck.host.systemd;

/**
 * A unit's resource settings, in systemd's own units. {@code null} means not set or infinity.
 *
 * @param memoryMax          bytes
 * @param memoryHigh         bytes
 * @param cpuQuotaPerSecUSec CPU time per second of wall time, in µs (CPUQuota=30% is 300000)
 * @param cpuWeight          1..10000
 * @param tasksMax           tasks
 * @param ioWeight           1..10000
 */
public record Limits(Long memoryMax, Long memoryHigh, Long cpuQuotaPerSecUSec, Long cpuWeight, Long tasksMax,
        Long ioWeight) {
}
