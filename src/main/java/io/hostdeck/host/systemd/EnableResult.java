package io.hostdeck.host.systemd;

import java.util.List;

import org.freedesktop.dbus.Tuple;
import org.freedesktop.dbus.annotations.Position;

/** EnableUnitFiles' two results {@code (b, a(sss))}. */
public final class EnableResult extends Tuple {
    @Position(0) public final boolean carriesInstallInfo;
    @Position(1) public final List<?> changes; // a tuple loses the element type: structs or Object[]

    public EnableResult(boolean carriesInstallInfo, List<?> changes) {
        this.carriesInstallInfo = carriesInstallInfo;
        this.changes = changes;
    }
}
