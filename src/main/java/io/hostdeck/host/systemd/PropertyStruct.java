package io.hostdeck.host.systemd;

import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.types.Variant;

/** One {@code (sv)} of SetUnitProperties. */
public final class PropertyStruct extends Struct {
    @Position(0) public final String name;
    @Position(1) public final Variant<?> value;

    public PropertyStruct(String name, Variant<?> value) {
        this.name = name;
        this.value = value;
    }
}
