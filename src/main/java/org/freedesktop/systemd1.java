package org.freedesktop;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * systemd's D-Bus error names ({@code org.freedesktop.systemd1.NoSuchUnit}, ...) as classes.
 * dbus-java turns a remote error into an exception of the class named like the error (with
 * {@code $} for nested classes) and loses the name otherwise, so these let Hostdeck tell "no such
 * unit" from "unit masked". Only the host layer catches them (io.hostdeck.host.systemd.BusErrors).
 */
@SuppressWarnings({"checkstyle:TypeName", "serial"})
public final class systemd1 {

    private systemd1() {
    }

    public static class NoSuchUnit extends DBusExecutionException {
        public NoSuchUnit(String message) {
            super(message);
        }
    }

    public static class NoUnitForPID extends DBusExecutionException {
        public NoUnitForPID(String message) {
            super(message);
        }
    }

    public static class NoSuchJob extends DBusExecutionException {
        public NoSuchJob(String message) {
            super(message);
        }
    }

    public static class UnitMasked extends DBusExecutionException {
        public UnitMasked(String message) {
            super(message);
        }
    }

    public static class UnitGenerated extends DBusExecutionException {
        public UnitGenerated(String message) {
            super(message);
        }
    }

    public static class UnitLinked extends DBusExecutionException {
        public UnitLinked(String message) {
            super(message);
        }
    }

    public static class JobTypeNotApplicable extends DBusExecutionException {
        public JobTypeNotApplicable(String message) {
            super(message);
        }
    }

    public static class OnlyByDependency extends DBusExecutionException {
        public OnlyByDependency(String message) {
            super(message);
        }
    }

    public static class TransactionIsDestructive extends DBusExecutionException {
        public TransactionIsDestructive(String message) {
            super(message);
        }
    }

    public static class TransactionJobsConflicting extends DBusExecutionException {
        public TransactionJobsConflicting(String message) {
            super(message);
        }
    }

    public static class TransactionOrderIsCyclic extends DBusExecutionException {
        public TransactionOrderIsCyclic(String message) {
            super(message);
        }
    }

    public static class UnitInactive extends DBusExecutionException {
        public UnitInactive(String message) {
            super(message);
        }
    }

    public static class UnitIsBound extends DBusExecutionException {
        public UnitIsBound(String message) {
            super(message);
        }
    }

    public static class ShuttingDown extends DBusExecutionException {
        public ShuttingDown(String message) {
            super(message);
        }
    }

    public static class UnitBad extends DBusExecutionException {
        public UnitBad(String message) {
            super(message);
        }
    }
}
