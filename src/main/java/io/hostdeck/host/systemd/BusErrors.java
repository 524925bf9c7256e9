package io.hostdeck.host.systemd;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

import io.hostdeck.error.ConflictException;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.error.RefusedException;
import io.hostdeck.host.HostUnavailableException;

/** systemd's D-Bus error names, turned into Hostdeck's small error vocabulary with systemd's own words. */
final class BusErrors {

    private BusErrors() {
    }

    static RuntimeException translate(DBusExecutionException e, String busAddress) {
        // the error's class is named like the D-Bus error (org.freedesktop.systemd1$NoSuchUnit,
        // org.freedesktop.dbus.errors.AccessDenied); its last part is the error's own name
        String type = e.getType() == null ? e.getClass().getName() : e.getType();
        String message = e.getMessage() == null || e.getMessage().isBlank() ? type : e.getMessage();
        String name = type.substring(Math.max(type.lastIndexOf('.'), type.lastIndexOf('$')) + 1);
        switch (name) {
            case "NoSuchUnit", "NoSuchJob", "NoUnitForPID", "LoadFailed", "FileNotFound", "UnknownObject",
                    "NoSuchProcess":
                return new NotFoundException(message);
            case "UnitMasked", "JobTypeNotApplicable", "OnlyByDependency", "TransactionIsDestructive",
                    "TransactionJobsConflicting", "TransactionOrderIsCyclic", "UnitGenerated", "UnitLinked",
                    "UnitInactive", "UnitIsBound", "NoUnitForInvocationID", "ScopeNotRunning", "ShuttingDown",
                    "UnitBad":
                return new ConflictException(message);
            case "AccessDenied", "InteractiveAuthorizationRequired", "AuthFailed":
                return new RefusedException("systemd refused: " + message);
            case "InvalidArgs", "UnitNameInvalid", "BadUnitSetting", "InvalidSignature":
                return new InvalidInputException("request", message);
            case "ServiceUnknown", "NoReply", "Disconnected", "NoServer", "Timeout", "TimedOut", "NameHasNoOwner":
                return new HostUnavailableException("no systemd on the system bus at " + busAddress + ": " + message, e);
            default:
                // an error dbus-java has no class for keeps only its message (e.g. "File ... already exists")
                return new ConflictException(type.equals(DBusExecutionException.class.getName())
                        ? "systemd refused: " + message : "systemd said " + type + ": " + message);
        }
    }
}
