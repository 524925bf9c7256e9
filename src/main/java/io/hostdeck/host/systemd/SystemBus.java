package io.hostdeck.host.systemd;

import java.io.IOException;

import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hostdeck.host.HostUnavailableException;

/**
 * The one private connection to the target's system bus, opened on first use and again after it
 * drops, so Hostdeck starts (and explains) on a host whose systemd is missing or not up yet. On
 * each new connection its {@link Listener} subscribes to signals before systemd is asked to send
 * any, so no job result or state change can slip by between a call and its signal.
 */
final class SystemBus {

    static final String BUS_NAME = "org.freedesktop.systemd1";
    static final String MANAGER_PATH = "/org/freedesktop/systemd1";
    static final String MANAGER_INTERFACE = "org.freedesktop.systemd1.Manager";
    static final String UNIT_INTERFACE = "org.freedesktop.systemd1.Unit";
    static final String SERVICE_INTERFACE = "org.freedesktop.systemd1.Service";
    static final String HOSTNAMED = "org.freedesktop.hostname1";
    static final String HOSTNAMED_PATH = "/org/freedesktop/hostname1";
    static final String MACHINED = "org.freedesktop.machine1";
    static final String MACHINED_PATH = "/org/freedesktop/machine1";

    private static final Logger log = LoggerFactory.getLogger(SystemBus.class);

    /** What happens to the connection, as it happens. */
    interface Listener {

        /** Adds the signal handlers to a new connection, before systemd is asked to send signals. */
        void subscribe(DBusConnection c) throws DBusException;

        /** A new connection is up: whatever was learnt over the old one may be stale. */
        void connected();

        /** The connection dropped: nothing more will come over it. */
        void lost(HostUnavailableException why);
    }

    /** One exchange over the connection. */
    @FunctionalInterface
    interface Call<T> {
        T apply(DBusConnection c) throws DBusException;
    }

    private final String address;
    private volatile Listener listener;
    private DBusConnection connection; // guarded by this

    SystemBus(String address) {
        this.address = address;
    }

    /** Who hears of the connection; set once, before the first call. */
    void listener(Listener listener) {
        this.listener = listener;
    }

    String address() {
        return address;
    }

    /** Runs {@code body} over the connection, with D-Bus's errors in the error vocabulary. */
    <T> T call(Call<T> body) {
        DBusConnection c = connect();
        try {
            return body.apply(c);
        } catch (DBusExecutionException e) {
            throw BusErrors.translate(e, address);
        } catch (DBusException e) {
            throw new HostUnavailableException(missing(e), e);
        }
    }

    /** The connection, opened (and subscribed) if it is not up. */
    synchronized DBusConnection connect() {
        if (connection != null && connection.isConnected()) {
            return connection;
        }
        close();
        DBusConnection c = null;
        try {
            // one attempt: dbus-java retries every 500 ms up to its timeout, which would hold a page
            // for 10 s on a host without a bus
            c = DBusConnectionBuilder.forAddress(address).withShared(false)
                    .transportConfig().withTimeout(500).back()
                    .build();
            listener.subscribe(c);
            manager(c).Subscribe();
            connection = c;
        } catch (DBusException | RuntimeException e) {
            if (c != null) {
                c.disconnect();
            }
            throw e instanceof DBusExecutionException x ? BusErrors.translate(x, address)
                    : new HostUnavailableException(missing(e), e);
        }
        listener.connected();
        return connection;
    }

    /** Closes the connection, if one is open; the next call opens another. */
    synchronized void close() {
        if (connection != null) {
            listener.lost(new HostUnavailableException("the connection to systemd at " + address + " dropped"));
            try {
                connection.close();
            } catch (IOException | RuntimeException e) {
                log.debug("closing the D-Bus connection to {} failed", address, e);
            }
            connection = null;
        }
    }

    private String missing(Exception e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "no systemd on the system bus at " + address + ": " + reason;
    }

    /** The Properties interface of an object of systemd's, hostnamed's or machined's. */
    static Properties properties(DBusConnection c, String path) throws DBusException {
        String busName = path.startsWith(HOSTNAMED_PATH) ? HOSTNAMED : path.startsWith(MACHINED_PATH) ? MACHINED : BUS_NAME;
        return c.getRemoteObject(busName, path, Properties.class);
    }

    /** systemd's manager object. */
    static ManagerBus manager(DBusConnection c) throws DBusException {
        return c.getRemoteObject(BUS_NAME, MANAGER_PATH, ManagerBus.class);
    }
}
