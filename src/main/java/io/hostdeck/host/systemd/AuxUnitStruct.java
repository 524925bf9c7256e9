package io.hostdeck.host.systemd;

import java.util.List;

import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;

/** One {@code (sa(sv))} auxiliary unit of StartTransientUnit; Hostdeck sends none. */
public final class AuxUnitStruct extends Struct {
    @Position(0) public final String name;
    @Position(1) public final List<PropertyStruct> properties;

    public AuxUnitStruct(String name, List<PropertyStruct> properties) {
        this.name = name;
        this.properties = properties;
    }
}
