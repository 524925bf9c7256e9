package io.hostdeck.host.systemd;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;

/**
 * systemd through dbus-java. One private connection to the target's system bus, opened on first
 * use and again after it drops, so Hostdeck starts (and explains) on a host whose systemd is
 * missing or not up yet. On each connection it subscribes to systemd's signals first, so no job
 * result or state change can slip by between a call and its signal.
 */
@Component
class DbusSystemd implements Systemd, DisposableBean {

    static final String BUS_NAME = "org.freedesktop.systemd1";
    static final String MANAGER_PATH = "/org/freedesktop/systemd1";
    static final String MANAGER_INTERFACE = "org.freedesktop.systemd1.Manager";
    static final String UNIT_INTERFACE = "org.freedesktop.systemd1.Unit";
    static final String SERVICE_INTERFACE = "org.freedesktop.systemd1.Service";
    static final String HOSTNAMED = "org.freedesktop.hostname1";
    static final String HOSTNAMED_PATH = "/org/freedesktop/hostname1";
    static final String MACHINED = "org.freedesktop.machine1";
    static final String MACHINED_PATH = "/org/freedesktop/machine1";

    private static final Logger log = LoggerFactory.getLogger(DbusSystemd.class);
    private static final int FACT_READERS = 8;

    private final String address;
    private final Duration jobTimeout;
    private final JobTracker jobs = new JobTracker();
    private final List<Consumer<String>> unitListeners = new CopyOnWriteArrayList<>();
    private final Map<String, UnitFacts> facts = new ConcurrentHashMap<>();
    private final Set<String> factsWanted = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean factsFilling = new AtomicBoolean();
    // a few calls in flight: dbus-daemon allows 128 pending replies per connection
    private final ExecutorService factReaders = Executors.newFixedThreadPool(FACT_READERS, r -> {
        Thread t = new Thread(r, "unit-facts");
        t.setDaemon(true);
        return t;
    });
    private DBusConnection connection;       // guarded by this
    private volatile List<UnitFile> unitFiles;         // the last listing, possibly stale; null: none yet
    private final AtomicBoolean unitFilesStale = new AtomicBoolean(true);
    private CompletableFuture<List<UnitFile>> unitFilesListing; // guarded by this

    DbusSystemd(HostProperties host, Duration jobTimeout) {
        this(host, jobTimeout, Duration.ofSeconds(20));
    }

    @org.springframework.beans.factory.annotation.Autowired
    DbusSystemd(HostProperties host, @Value("${hostdeck.systemd.job-timeout:100s}") Duration jobTimeout,
            @Value("${hostdeck.systemd.call-timeout:20s}") Duration callTimeout) {
        this.address = host.busAddress();
        this.jobTimeout = jobTimeout;
        // how long one call waits for systemd's reply (dbus-java's default is 20 s, a process-wide
        // setting): a slow or emulated host under load answers a GetAll later than that
        org.freedesktop.dbus.messages.MethodCall.setDefaultTimeout(callTimeout.toMillis());
    }

    @Override
    public String busAddress() {
        return address;
    }

    @Override
    public ManagerInfo manager() {
        Map<String, Variant<?>> props = call(c -> properties(c, MANAGER_PATH).GetAll(MANAGER_INTERFACE));
        return new ManagerInfo(UnitProperties.string(props, "Version"), UnitProperties.string(props, "SystemState"),
                UnitProperties.string(props, "Virtualization"));
    }

    @Override
    public List<UnitSummary> listUnits() {
        return call(c -> manager(c).ListUnits()).stream().map(ListedUnitStruct::toSummary).toList();
    }

    /**
     * ListUnitFiles costs systemd seconds at 1,000 units (5 s measured, see docs/benchmarks.md), so
     * the listing is cached and, after a change, listed again in the background while callers keep
     * the previous one. Only a caller that finds no listing at all waits for the one in flight.
     */
    @Override
    public List<UnitFile> listUnitFiles() {
        List<UnitFile> files = unitFiles;
        CompletableFuture<List<UnitFile>> inFlight = relistUnitFilesIfStale();
        if (files != null) {
            return files;
        }
        try {
            return inFlight.get(jobTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new HostUnavailableException(e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new HostUnavailableException("systemd did not list its unit files within " + jobTimeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostUnavailableException("interrupted while waiting for the unit files", e);
        }
    }

    @Override
    public Optional<List<UnitFile>> unitFilesIfListed() {
        relistUnitFilesIfStale();
        return Optional.ofNullable(unitFiles);
    }

    /** Starts a listing if the cache is stale and none runs; returns the one in flight (or done). */
    private synchronized CompletableFuture<List<UnitFile>> relistUnitFilesIfStale() {
        if (unitFilesStale.compareAndSet(true, false)) {
            CompletableFuture<List<UnitFile>> next = new CompletableFuture<>();
            unitFilesListing = next;
            factReaders.execute(() -> {
                try {
                    List<UnitFile> files = readUnitFiles();
                    unitFiles = files;
                    next.complete(files);
                } catch (RuntimeException e) {
                    unitFilesStale.set(true);
                    next.completeExceptionally(e);
                }
            });
        }
        return unitFilesListing;
    }

    private List<UnitFile> readUnitFiles() {
        return call(c -> manager(c).ListUnitFiles()).stream()
                .map(f -> new UnitFile(f.path.substring(f.path.lastIndexOf('/') + 1), f.path, f.state))
                .toList();
    }

    @Override
    public Map<String, UnitFacts> unitFacts(Collection<String> units) {
        Map<String, UnitFacts> known = new HashMap<>(units.size() * 2);
        for (String u : units) {
            UnitFacts f = facts.get(u);
            if (f != null) {
                known.put(u, f);
            } else {
                factsWanted.add(u);
            }
        }
        if (!factsWanted.isEmpty() && factsFilling.compareAndSet(false, true)) {
            factReaders.execute(this::fillFacts);
        }
        return known;
    }

    /** Reads the wanted units' facts, a few at a time, then tells the listeners they changed. */
    private void fillFacts() {
        try {
            List<String> batch = new ArrayList<>(factsWanted);
            factsWanted.removeAll(batch);
            List<Future<?>> reads = new ArrayList<>(batch.size());
            for (String unit : batch) {
                reads.add(factReaders.submit(() -> facts.put(unit, readFacts(unit))));
            }
            for (Future<?> r : reads) {
                try {
                    r.get();
                } catch (ExecutionException e) {
                    log.debug("reading a unit's facts failed: {}", e.getCause().toString());
                }
            }
            if (!batch.isEmpty()) {
                notifyUnitChange(null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            factsFilling.set(false);
        }
    }

    private UnitFacts readFacts(String unit) {
        return call(c -> {
            Properties p = properties(c, UnitPaths.path(unit));
            Object changed = p.Get(UNIT_INTERFACE, "StateChangeTimestamp");
            Long pid = null;
            if (unit.endsWith(".service")) {
                Object main = p.Get(SERVICE_INTERFACE, "MainPID");
                pid = main instanceof Number n && n.longValue() > 0 ? n.longValue() : null;
            }
            return new UnitFacts(pid, changed instanceof Number n ? micros(n.longValue()) : null);
        });
    }

    private static java.time.Instant micros(long usec) {
        return usec <= 0 || usec == -1L ? null : java.time.Instant.ofEpochSecond(usec / 1_000_000, (usec % 1_000_000) * 1000);
    }

    /** Keeps the facts cache current from the values systemd sends with PropertiesChanged. */
    private void updateFacts(String unit, Properties.PropertiesChanged s) {
        Map<String, Variant<?>> changed = s.getPropertiesChanged();
        UnitFacts f = facts.get(unit);
        if (f == null) {
            return; // never asked for: nothing to keep current
        }
        if (UNIT_INTERFACE.equals(s.getInterfaceName()) && changed.get("StateChangeTimestamp") != null
                && changed.get("StateChangeTimestamp").getValue() instanceof Number n) {
            f = f.withSince(micros(n.longValue()));
        }
        if (SERVICE_INTERFACE.equals(s.getInterfaceName()) && changed.get("MainPID") != null
                && changed.get("MainPID").getValue() instanceof Number n) {
            f = f.withMainPid(n.longValue() > 0 ? n.longValue() : null);
        }
        facts.put(unit, f);
    }

    @Override
    public UnitDetails unit(String name) {
        return call(c -> {
            String path = manager(c).LoadUnit(name).getPath();
            Properties props = properties(c, path);
            Map<String, Variant<?>> unit = props.GetAll(UNIT_INTERFACE);
            if ("not-found".equals(UnitProperties.string(unit, "LoadState"))) {
                throw new NotFoundException("no unit " + name + " on this host");
            }
            String type = name.substring(name.lastIndexOf('.') + 1);
            String typeInterface = "org.freedesktop.systemd1." + Character.toUpperCase(type.charAt(0)) + type.substring(1);
            return new UnitProperties(unit, props.GetAll(typeInterface)).details(name);
        });
    }

    @Override
    public JobOutcome run(UnitAction action, String unit) {
        DBusPath job = call(c -> {
            ManagerBus m = manager(c);
            return switch (action) {
                case START -> m.StartUnit(unit, "replace");
                case STOP -> m.StopUnit(unit, "replace");
                case RESTART -> m.RestartUnit(unit, "replace");
                case RELOAD -> m.ReloadUnit(unit, "replace");
                case TRY_RESTART -> m.TryRestartUnit(unit, "replace");
            };
        });
        return outcome(unit, job);
    }

    @Override
    public JobOutcome startTransient(TransientService s) {
        List<PropertyStruct> props = new ArrayList<>();
        props.add(new PropertyStruct("Description", new Variant<>(s.description())));
        props.add(new PropertyStruct("Type", new Variant<>(s.type())));
        props.add(new PropertyStruct("ExecStart", new Variant<>(List.of(new ExecStruct(s.argv().get(0), s.argv(), false)),
                "a(sasb)")));
        props.add(new PropertyStruct("CollectMode", new Variant<>("inactive-or-failed")));
        props.add(new PropertyStruct("TimeoutStopUSec", new Variant<>(new UInt64(s.stopTimeout().toNanos() / 1000))));
        props.add(new PropertyStruct("TimeoutStartUSec", new Variant<>(new UInt64(s.startTimeout().toNanos() / 1000))));
        props.addAll(properties(s.limits()));
        DBusPath job = call(c -> manager(c).StartTransientUnit(s.unit(), "fail", props, List.of()));
        return outcome(s.unit(), job);
    }

    private JobOutcome outcome(String unit, DBusPath job) {
        String path = job.getPath();
        try {
            return jobs.outcome(path).get(jobTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new JobOutcome(unit, path, "still running after " + jobTimeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new HostUnavailableException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostUnavailableException("interrupted while waiting for " + path, e);
        } finally {
            jobs.forget(path);
        }
    }

    @Override
    public void kill(String unit, String whom, int signal) {
        call(c -> {
            manager(c).KillUnit(unit, whom, signal);
            return null;
        });
    }

    @Override
    public void resetFailed(String unit) {
        call(c -> {
            manager(c).ResetFailedUnit(unit);
            return null;
        });
    }

    @Override
    public List<UnitFileChange> enable(String unit) {
        return reloaded(changes(call(c -> manager(c).EnableUnitFiles(List.of(unit), false, false)).changes));
    }

    @Override
    public List<UnitFileChange> disable(String unit) {
        return reloaded(changes(call(c -> manager(c).DisableUnitFiles(List.of(unit), false))));
    }

    @Override
    public List<UnitFileChange> mask(String unit) {
        return reloaded(changes(call(c -> manager(c).MaskUnitFiles(List.of(unit), false, false))));
    }

    @Override
    public List<UnitFileChange> unmask(String unit) {
        return reloaded(changes(call(c -> manager(c).UnmaskUnitFiles(List.of(unit), false))));
    }

    @Override
    public void daemonReload() {
        call(c -> {
            manager(c).Reload();
            return null;
        });
        unitFilesStale.set(true);
    }

    @Override
    public void setProperties(String unit, boolean runtime, List<UnitSetting> settings) {
        List<PropertyStruct> props = properties(settings);
        call(c -> {
            manager(c).SetUnitProperties(unit, runtime, props);
            return null;
        });
    }

    private static List<PropertyStruct> properties(List<UnitSetting> settings) {
        return settings.stream()
                .map(s -> new PropertyStruct(s.property(), s.scale() ? new Variant<>(new UInt32(s.value()))
                        : new Variant<>(s.value() == UnitSetting.INFINITY ? new UInt64(UInt64.MAX_BIG_VALUE)
                                : new UInt64(s.value()))))
                .toList();
    }

    @Override
    public Optional<String> hostname() {
        try {
            String name = call(c -> properties(c, HOSTNAMED_PATH).<String>Get(HOSTNAMED, "Hostname"));
            return Optional.ofNullable(name).filter(n -> !n.isEmpty());
        } catch (RuntimeException e) { // not on the bus, or not activatable: the caller has other sources
            return Optional.empty();
        }
    }

    @Override
    public Map<Long, String> machines() {
        return call(c -> {
            if (!c.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus",
                    org.freedesktop.dbus.interfaces.DBus.class).NameHasOwner(MACHINED)) {
                return Map.of();
            }
            Map<Long, String> byLeader = new HashMap<>();
            for (MachinedBus.MachineStruct m : c.getRemoteObject(MACHINED, MACHINED_PATH, MachinedBus.class).ListMachines()) {
                if (m.machineClass.equals("host")) {
                    continue; // machined lists the host itself as ".host"
                }
                try {
                    UInt32 leader = properties(c, m.path.getPath()).Get(MACHINED + ".Machine", "Leader");
                    byLeader.put(leader.longValue(), m.name);
                } catch (DBusExecutionException gone) {
                    // it ended between the list and the question
                }
            }
            return byLeader;
        });
    }

    @Override
    public AutoCloseable onUnitChange(Consumer<String> listener) {
        unitListeners.add(listener);
        try {
            connection(); // subscribes, so the listener starts hearing now, if systemd is there
        } catch (HostUnavailableException e) {
            log.info("unit changes will be followed once systemd answers: {}", e.getMessage());
        }
        return () -> unitListeners.remove(listener);
    }

    /** As systemctl does after changing links: systemd shows the new enablement only after a reload. */
    private List<UnitFileChange> reloaded(List<UnitFileChange> changes) {
        if (!changes.isEmpty()) {
            daemonReload();
        }
        return changes;
    }

    private static List<UnitFileChange> changes(List<?> changes) {
        return changes.stream().map(DbusSystemd::change).toList();
    }

    private static UnitFileChange change(Object o) {
        if (o instanceof UnitFileChangeStruct s) {
            return s.toChange();
        }
        Object[] f = o instanceof Object[] fields ? fields : ((org.freedesktop.dbus.Struct) o).getParameters();
        return new UnitFileChange(String.valueOf(f[0]), String.valueOf(f[1]), String.valueOf(f[2]));
    }

    /** The Properties interface of an object of systemd's, hostnamed's or machined's. */
    private static Properties properties(DBusConnection c, String path) throws DBusException {
        String busName = path.startsWith(HOSTNAMED_PATH) ? HOSTNAMED : path.startsWith(MACHINED_PATH) ? MACHINED : BUS_NAME;
        return c.getRemoteObject(busName, path, Properties.class);
    }

    private static ManagerBus manager(DBusConnection c) throws DBusException {
        return c.getRemoteObject(BUS_NAME, MANAGER_PATH, ManagerBus.class);
    }

    private <T> T call(BusCall<T> body) {
        DBusConnection c = connection();
        try {
            return body.apply(c);
        } catch (DBusExecutionException e) {
            throw BusErrors.translate(e, address);
        } catch (DBusException e) {
            throw new HostUnavailableException(missing(e), e);
        }
    }

    private synchronized DBusConnection connection() {
        if (connection != null && connection.isConnected()) {
            return connection;
        }
        closeQuietly();
        DBusConnection c = null;
        try {
            // one attempt: dbus-java retries every 500 ms up to its timeout, which would hold a page
            // for 10 s on a host without a bus
            c = DBusConnectionBuilder.forAddress(address).withShared(false)
                    .transportConfig().withTimeout(500).back()
                    .build();
            listen(c);
            manager(c).Subscribe();
            connection = c;
        } catch (DBusException | RuntimeException e) {
            if (c != null) {
                c.disconnect();
            }
            throw e instanceof DBusExecutionException x ? BusErrors.translate(x, address)
                    : new HostUnavailableException(missing(e), e);
        }
        unitFiles = null; // another systemd, perhaps: nothing of the old one's listing holds
        // not listed now: systemd answers nothing else while it lists unit files (5 s at 1,000
        // units), so that waits until a page needs them
        unitFilesStale.set(true);
        facts.clear();
        notifyUnitChange(null); // whatever was known before this connection may be stale
        return connection;
    }

    private void listen(DBusConnection c) throws DBusException {
        c.addSigHandler(ManagerBus.JobRemoved.class,
                s -> jobs.removed(new JobOutcome(s.unit, s.job.getPath(), s.result)));
        c.addSigHandler(ManagerBus.UnitNew.class, s -> notifyUnitChange(s.unit));
        c.addSigHandler(ManagerBus.UnitRemoved.class, s -> {
            facts.remove(s.unit);
            notifyUnitChange(s.unit);
        });
        c.addSigHandler(ManagerBus.UnitFilesChanged.class, s -> unitFilesStale.set(true));
        c.addSigHandler(ManagerBus.Reloading.class, s -> {
            if (!s.active) {
                unitFilesStale.set(true);
                notifyUnitChange(null);
            }
        });
        c.addSigHandler(Properties.PropertiesChanged.class, s -> {
            String unit = UnitPaths.unitName(s.getPath());
            if (unit != null) {
                updateFacts(unit, s);
                notifyUnitChange(unit);
            }
        });
    }

    private void notifyUnitChange(String unit) {
        for (Consumer<String> l : unitListeners) {
            try {
                l.accept(unit);
            } catch (RuntimeException e) {
                log.warn("a unit change listener failed on {}", unit, e);
            }
        }
    }

    private String missing(Exception e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "no systemd on the system bus at " + address + ": " + reason;
    }

    private synchronized void closeQuietly() {
        if (connection != null) {
            jobs.connectionLost(new HostUnavailableException("the connection to systemd at " + address + " dropped"));
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
        factReaders.shutdownNow();
        closeQuietly();
    }

    @FunctionalInterface
    private interface BusCall<T> {
        T apply(DBusConnection c) throws DBusException;
    }
}
