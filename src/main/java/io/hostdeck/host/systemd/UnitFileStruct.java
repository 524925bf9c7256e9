package io.hostdeck.host.systemd;

import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;

/** One {@code (ss)} of ListUnitFiles: the file's path and its enablement state. */
public final class UnitFileStruct extends Struct {
    @Position(0) public final String path;
    @Position(1) public final String state;

    public UnitFileStruct(String path, String state) {
        this.path = path;
        this.state = state;
    }
}
