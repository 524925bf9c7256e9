package io.hostdeck.host.systemd;

/**
 * One resource property for SetUnitProperties, all of them {@code t} (unsigned 64 bit) on the bus.
 * {@link #INFINITY} is UINT64_MAX, systemd's "infinity" or "not set".
 */
public record UnitSetting(String property, long value) {

    public static final long INFINITY = -1L;

    public static final java.util.Set<String> SUPPORTED = java.util.Set.of(
            "MemoryMax", "MemoryHigh", "CPUQuotaPerSecUSec", "CPUWeight", "TasksMax", "IOWeight");

    public UnitSetting {
        if (!SUPPORTED.contains(property)) {
            throw new IllegalArgumentException("not a resource property Hostdeck sets: " + property);
        }
    }
}
