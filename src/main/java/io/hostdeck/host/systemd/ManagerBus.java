package io.hostdeck.host.systemd;

import java.util.List;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;

/**
 * {@code org.freedesktop.systemd1.Manager} as the bus spells it (see org.freedesktop.systemd1(5)),
 * the methods and signals Hostdeck uses.
 */
@DBusInterfaceName("org.freedesktop.systemd1.Manager")
interface ManagerBus extends DBusInterface {

    /** {@code ListUnits() -> a(ssssssouso)}: every unit systemd has loaded. */
    List<ListedUnitStruct> ListUnits();

    /** {@code ListUnitFiles() -> a(ss)}: every installed unit file and its enablement. */
    List<UnitFileStruct> ListUnitFiles();

    /** Loads the unit if needed; answers even for a unit that does not exist (LoadState not-found). */
    DBusPath LoadUnit(String name);

    DBusPath StartUnit(String name, String mode);

    DBusPath StopUnit(String name, String mode);

    DBusPath RestartUnit(String name, String mode);

    DBusPath ReloadUnit(String name, String mode);

    DBusPath TryRestartUnit(String name, String mode);

    void KillUnit(String name, String whom, int signal);

    void ResetFailedUnit(String name);

    EnableResult EnableUnitFiles(List<String> files, boolean runtime, boolean force);

    List<UnitFileChangeStruct> DisableUnitFiles(List<String> files, boolean runtime);

    List<UnitFileChangeStruct> MaskUnitFiles(List<String> files, boolean runtime, boolean force);

    List<UnitFileChangeStruct> UnmaskUnitFiles(List<String> files, boolean runtime);

    void Reload();

    void SetUnitProperties(String name, boolean runtime, List<PropertyStruct> properties);

    /** {@code StartTransientUnit(s name, s mode, a(sv) properties, a(sa(sv)) aux) -> o job}. */
    DBusPath StartTransientUnit(String name, String mode, List<PropertyStruct> properties, List<AuxUnitStruct> aux);

    /** Without it systemd sends no unit or job signals to this client. */
    void Subscribe();

    class JobRemoved extends DBusSignal {
        final UInt32 id;
        final DBusPath job;
        final String unit;
        final String result;

        public JobRemoved(String path, UInt32 id, DBusPath job, String unit, String result) throws DBusException {
            super(path, id, job, unit, result);
            this.id = id;
            this.job = job;
            this.unit = unit;
            this.result = result;
        }
    }

    class UnitNew extends DBusSignal {
        final String unit;

        public UnitNew(String path, String unit, DBusPath unitPath) throws DBusException {
            super(path, unit, unitPath);
            this.unit = unit;
        }
    }

    class UnitRemoved extends DBusSignal {
        final String unit;

        public UnitRemoved(String path, String unit, DBusPath unitPath) throws DBusException {
            super(path, unit, unitPath);
            this.unit = unit;
        }
    }

    class UnitFilesChanged extends DBusSignal {
        public UnitFilesChanged(String path) throws DBusException {
            super(path);
        }
    }

    class Reloading extends DBusSignal {
        final boolean active;

        public Reloading(String path, boolean active) throws DBusException {
            super(path, active);
            this.active = active;
        }
    }
}
