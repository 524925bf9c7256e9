package io.hostdeck.host.cgroupfs;

/** What a unit's cgroup uses now; {@code null} where the layout has no such file, never a made-up zero. */
public record UnitUsage(Long memoryBytes, Long tasks) {
}
