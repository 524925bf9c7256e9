package io.hostdeck.host.systemd;

import java.util.List;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.interfaces.DBusInterface;

/** {@code org.freedesktop.machine1.Manager} (org.freedesktop.machine1(5)): the one method Hostdeck uses. */
@DBusInterfaceName("org.freedesktop.machine1.Manager")
interface MachinedBus extends DBusInterface {

    /** {@code ListMachines() -> a(ssso)}: name, class, service, object path. */
    List<MachineStruct> ListMachines();

    final class MachineStruct extends Struct {
        @Position(0) public final String name;
        @Position(1) public final String machineClass;
        @Position(2) public final String service;
        @Position(3) public final DBusPath path;

        public MachineStruct(String name, String machineClass, String service, DBusPath path) {
            this.name = name;
            this.machineClass = machineClass;
            this.service = service;
            this.path = path;
        }
    }
}
