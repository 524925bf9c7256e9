package io.hostdeck.host.systemd;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;

/**
 * systemd through dbus-java. One private connection to the target's system bus, opened on first
 * use and again after it drops, so Hostdeck starts (and explains) on a host whose systemd is
 * missing or not up yet.
 */
@Component
class DbusSystemd implements Systemd, DisposableBean {

    static final String BUS_NAME = "org.freedesktop.systemd1";
    static final String MANAGER_PATH = "/org/freedesktop/systemd1";
    static final String MANAGER_INTERFACE = "org.freedesktop.systemd1.Manager";
    static final String HOSTNAMED = "org.freedesktop.hostname1";
    static final String HOSTNAMED_PATH = "/org/freedesktop/hostname1";

    private static final Logger log = LoggerFactory.getLogger(DbusSystemd.class);

    private final String address;
    private DBusConnection connection; // guarded by this

    DbusSystemd(HostProperties host) {
        this.address = host.busAddress();
    }

    @Override
    public String busAddress() {
        return address;
    }

    @Override
    public ManagerInfo manager() {
        Map<String, Variant<?>> props = call(c -> properties(c).GetAll(MANAGER_INTERFACE));
        return new ManagerInfo(string(props, "Version"), string(props, "SystemState"),
                string(props, "Virtualization"));
    }

    @Override
    public List<UnitSummary> listUnits() {
        return call(c -> manager(c).ListUnits()).stream().map(ListedUnitStruct::toSummary).toList();
    }

    @Override
    public Optional<String> hostname() {
        try {
            String name = call(c -> c.getRemoteObject(HOSTNAMED, HOSTNAMED_PATH, Properties.class)
                    .<String>Get(HOSTNAMED, "Hostname"));
            return Optional.ofNullable(name).filter(n -> !n.isEmpty());
        } catch (HostUnavailableException e) {
            return Optional.empty();
        }
    }

    private static Properties properties(DBusConnection c) throws DBusException {
        return c.getRemoteObject(BUS_NAME, MANAGER_PATH, Properties.class);
    }

    private static ManagerBus manager(DBusConnection c) throws DBusException {
        return c.getRemoteObject(BUS_NAME, MANAGER_PATH, ManagerBus.class);
    }

    private static String string(Map<String, Variant<?>> props, String name) {
        Variant<?> v = props.get(name);
        return v == null ? "" : String.valueOf(v.getValue());
    }

    private <T> T call(BusCall<T> body) {
        DBusConnection c = connection();
        try {
            return body.apply(c);
        } catch (DBusException | DBusExecutionException e) {
            throw new HostUnavailableException(missing(e), e);
        }
    }

    private synchronized DBusConnection connection() {
        if (connection != null && connection.isConnected()) {
            return connection;
        }
        closeQuietly();
        try {
            // one attempt: dbus-java retries every 500 ms up to its timeout, which would hold a page
            // for 10 s on a host without a bus
            connection = DBusConnectionBuilder.forAddress(address).withShared(false)
                    .transportConfig().withTimeout(500).back()
                    .build();
            return connection;
        } catch (DBusException | RuntimeException e) {
            throw new HostUnavailableException(missing(e), e);
        }
    }

    private String missing(Exception e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "no systemd on the system bus at " + address + ": " + reason;
    }

    private synchronized void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException | RuntimeException e) {
                log.debug("closing the D-Bus connection to {} failed", address, e);
            }
            connection = null;
        }
    }

    @Override
    public void destroy() {
        closeQuietly();
    }

    @FunctionalInterface
    private interface BusCall<T> {
        T apply(DBusConnection c) throws DBusException;
    }
}
