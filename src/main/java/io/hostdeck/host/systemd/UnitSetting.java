package io.hostdeck.host.systemd;

/**
 * One resource property for SetUnitProperties: {@code t} (unsigned 64 bit) on the bus, except the
 * {@code *Scale} ones (a share of physical memory, {@code u}, out of UINT32_MAX).
 * {@link #INFINITY} is UINT64_MAX, systemd's "infinity" or "not set".
 */
public record UnitSetting(String property, long value) {

    public static final long INFINITY = -1L;

    public static final java.util.Set<String> SUPPORTED = java.util.Set.of(
            "MemoryMax", "MemoryHigh", "MemoryMaxScale", "MemoryHighScale", "CPUQuotaPerSecUSec", "CPUWeight",
            "TasksMax", "IOWeight");

    public boolean scale() {
        return property.endsWith("Scale");
    }

    public UnitSetting {
        if (!SUPPORTED.contains(property)) {
            throw new IllegalArgumentException("not a resource property Hostdeck sets: " + property);
        }
    }
}
