package io.hostdeck.host.systemd;

import java.util.HashMap;
import java.util.Map;

import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.types.UInt32;

/** systemd-machined over the system bus: the machines it has registered, as {@code machinectl} lists them. */
final class Machined {

    private final SystemBus bus;

    Machined(SystemBus bus) {
        this.bus = bus;
    }

    /** By leader PID as the target sees it; empty when machined is not running (asking would start it). */
    Map<Long, String> machines() {
        return bus.call(c -> {
            if (!c.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class)
                    .NameHasOwner(SystemBus.MACHINED)) {
                return Map.of();
            }
            Map<Long, String> byLeader = new HashMap<>();
            for (MachinedBus.MachineStruct m : c.getRemoteObject(SystemBus.MACHINED, SystemBus.MACHINED_PATH,
                    MachinedBus.class).ListMachines()) {
                if (m.machineClass.equals("host")) {
                    continue; // machined lists the host itself as ".host"
                }
                try {
                    UInt32 leader = SystemBus.properties(c, m.path.getPath()).Get(SystemBus.MACHINED + ".Machine", "Leader");
                    byLeader.put(leader.longValue(), m.name);
                } catch (DBusExecutionException gone) {
                    // it ended between the list and the question
                }
            }
            return byLeader;
        });
    }
}
