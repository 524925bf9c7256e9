package io.hostdeck.host.systemd;

import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.Properties;

import io.hostdeck.host.HostUnavailableException;

/**
 * systemd's signals, taken where each belongs: a job's end to the {@link JobTracker}, new values
 * to the caches, and every unit change to the {@link UnitChanges} listeners. A new connection
 * makes both caches start afresh; a lost one fails the jobs still waiting.
 */
final class SystemdSignals implements SystemBus.Listener {

    private final JobTracker jobs;
    private final UnitChanges changes;
    private final UnitFactsCache facts;
    private final UnitFilesCache unitFiles;
    private final UnitNames names;

    SystemdSignals(JobTracker jobs, UnitChanges changes, UnitFactsCache facts, UnitFilesCache unitFiles, UnitNames names) {
        this.jobs = jobs;
        this.changes = changes;
        this.facts = facts;
        this.unitFiles = unitFiles;
        this.names = names;
    }

    @Override
    public void subscribe(DBusConnection c) throws DBusException {
        c.addSigHandler(ManagerBus.JobRemoved.class,
                s -> jobs.removed(new JobOutcome(s.unit, s.job.getPath(), s.result)));
        c.addSigHandler(ManagerBus.UnitNew.class, s -> changes.changed(s.unit));
        c.addSigHandler(ManagerBus.UnitRemoved.class, s -> {
            names.removed(s.unit);
            facts.remove(s.unit);
            changes.changed(s.unit);
        });
        c.addSigHandler(ManagerBus.UnitFilesChanged.class, s -> {
            names.forget();
            unitFiles.stale();
        });
        c.addSigHandler(ManagerBus.Reloading.class, s -> {
            names.forget(); // at its start too: a look-up under way across the reload is not kept
            if (!s.active) {
                unitFiles.stale();
                changes.changed(null);
            }
        });
        c.addSigHandler(Properties.PropertiesChanged.class, s -> {
            String unit = UnitPaths.unitName(s.getPath());
            if (unit != null) {
                facts.update(unit, s);
                changes.changed(unit);
            }
        });
    }

    @Override
    public void connected() {
        names.forget();
        unitFiles.forget(); // another systemd, perhaps: nothing of the old one's listing holds
        facts.forget();
        changes.changed(null); // whatever was known before this connection may be stale
    }

    @Override
    public void lost(HostUnavailableException why) {
        jobs.connectionLost(why);
    }
}
