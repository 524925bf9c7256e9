package io.hostdeck.host.systemd;

import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;

/** One {@code (sss)} change of Enable/Disable/Mask/UnmaskUnitFiles: symlink or unlink, file, destination. */
public final class UnitFileChangeStruct extends Struct {
    @Position(0) public final String type;
    @Position(1) public final String file;
    @Position(2) public final String destination;

    public UnitFileChangeStruct(String type, String file, String destination) {
        this.type = type;
        this.file = file;
        this.destination = destination;
    }

    UnitFileChange toChange() {
        return new UnitFileChange(type, file, destination);
    }
}
