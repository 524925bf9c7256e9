package io.hostdeck.host.systemd;

import java.util.List;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/** {@code org.freedesktop.systemd1.Manager} as the bus spells it; grows with the features that need it. */
@DBusInterfaceName("org.freedesktop.systemd1.Manager")
interface ManagerBus extends DBusInterface {

    /** {@code ListUnits() -> a(ssssssouso)}: every unit systemd has loaded. */
    List<ListedUnitStruct> ListUnits();
}
