package io.hostdeck.host.systemd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.freedesktop.dbus.DBusAsyncReply;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.messages.MethodCall;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;

/**
 * systemd through dbus-java: the manager's calls, over the parts that know the rest. The
 * {@link SystemBus} holds the connection, {@link SystemdSignals} takes systemd's signals to the
 * {@link JobTracker}, the caches ({@link UnitFilesCache}, {@link UnitFactsCache}) and the
 * {@link UnitChanges} listeners; {@link Machined} and {@link Hostnamed} ask systemd's neighbours.
 */
@Component
class DbusSystemd implements Systemd, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DbusSystemd.class);
    private static final int FACT_READERS = 8;

    private final Duration jobTimeout;
    private final SystemBus bus;
    private final JobTracker jobs = new JobTracker();
    private final UnitChanges unitChanges = new UnitChanges();
    private final UnitNames names = new UnitNames();
    // a few calls in flight: dbus-daemon allows 128 pending replies per connection
    private final ExecutorService factReaders = Executors.newFixedThreadPool(FACT_READERS, r -> {
        Thread t = new Thread(r, "unit-facts");
        t.setDaemon(true);
        return t;
    });
    // its own thread: the listing can take systemd minutes, and must not wait behind (or hold up) fact reads
    private final ExecutorService unitFilesLister = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "unit-files");
        t.setDaemon(true);
        return t;
    });
    private final UnitFilesCache unitFiles;
    // the last ListUnits, for the pages while systemd lists unit files (and answers nothing else)
    private volatile List<UnitSummary> lastUnits;
    private final UnitFactsCache facts;
    private final Machined machined;
    private final Hostnamed hostnamed;

    DbusSystemd(HostProperties host, Duration jobTimeout) {
        this(host, jobTimeout, Duration.ofSeconds(20));
    }

    @Autowired
    DbusSystemd(HostProperties host, @Value("${hostdeck.systemd.job-timeout:100s}") Duration jobTimeout,
            @Value("${hostdeck.systemd.call-timeout:20s}") Duration callTimeout) {
        this.jobTimeout = jobTimeout;
        this.bus = new SystemBus(host.busAddress());
        // once systemd is done listing, the units as they are now (pages were shown the last ListUnits meanwhile)
        this.unitFiles = new UnitFilesCache(bus, unitFilesLister, jobTimeout, () -> unitChanges.changed(null));
        this.facts = new UnitFactsCache(bus, factReaders, unitChanges, unitFiles::listing);
        this.machined = new Machined(bus);
        this.hostnamed = new Hostnamed(bus);
        bus.listener(new SystemdSignals(jobs, unitChanges, facts, unitFiles, names));
        // how long one call waits for systemd's reply (dbus-java's default is 20 s, a process-wide
        // setting): a slow or emulated host under load answers a GetAll later than that
        MethodCall.setDefaultTimeout(callTimeout.toMillis());
    }

    @Override
    public String busAddress() {
        return bus.address();
    }

    @Override
    public ManagerInfo manager() {
        Map<String, Variant<?>> props = bus.call(c -> SystemBus.properties(c, SystemBus.MANAGER_PATH).GetAll(SystemBus.MANAGER_INTERFACE));
        return new ManagerInfo(UnitProperties.string(props, "Version"), UnitProperties.string(props, "SystemState"),
                UnitProperties.string(props, "Virtualization"));
    }

    @Override
    public List<UnitSummary> listUnits() {
        List<UnitSummary> last = lastUnits;
        if (last != null && unitFiles.listingAfterAWhile()) {
            // systemd answers nothing else until the listing is done (minutes on a host with 10,000
            // unit files): the units as they were just before are better than a page that waits
            return last;
        }
        List<UnitSummary> units = bus.call(c -> SystemBus.manager(c).ListUnits()).stream()
                .map(ListedUnitStruct::toSummary).toList();
        lastUnits = units;
        return units;
    }

    @Override
    public List<UnitFile> listUnitFiles() {
        return unitFiles.list();
    }

    @Override
    public Optional<List<UnitFile>> unitFilesIfListed() {
        return unitFiles.ifListed();
    }

    @Override
    public Map<String, UnitFacts> unitFacts(Collection<String> units) {
        return facts.of(units);
    }

    @Override
    public UnitIdentity identify(String name) {
        return bus.call(c -> {
            Map<String, Variant<?>> unit = SystemBus.properties(c, SystemBus.manager(c).LoadUnit(name).getPath())
                    .GetAll(SystemBus.UNIT_INTERFACE);
            String id = UnitProperties.string(unit, "Id");
            Map<String, String> actions = new TreeMap<>();
            for (String a : UnitIdentity.ACTIONS) {
                String v = UnitProperties.string(unit, a);
                if (!v.isEmpty() && !"none".equals(v)) {
                    actions.put(a, v);
                }
            }
            List<String> pulls = new ArrayList<>();
            for (String p : UnitIdentity.PULLING) {
                pulls.addAll(UnitProperties.strings(unit, p));
            }
            return new UnitIdentity(name, id.isEmpty() ? name : id, UnitProperties.strings(unit, "Names"),
                    UnitProperties.string(unit, "LoadState"), actions, pulls);
        });
    }

    @Override
    public String resolve(String name) {
        String known = names.get(name);
        if (known != null) {
            return known;
        }
        long seen = names.generation(); // before the call: a signal that comes meanwhile keeps its answer out
        return bus.call(c -> {
            Properties unit = SystemBus.properties(c, SystemBus.manager(c).LoadUnit(name).getPath());
            // both properties asked at once: no third round trip for what decides keeping the answer
            DBusAsyncReply<?> loadState = c.callMethodAsync(unit, "Get", SystemBus.UNIT_INTERFACE, "LoadState");
            Object id = unit.Get(SystemBus.UNIT_INTERFACE, "Id");
            String resolved = id instanceof String s && !s.isEmpty() ? s : name;
            Object state = loadState.getReply();
            if ("loaded".equals(state instanceof Variant<?> v ? v.getValue() : state)) {
                names.put(seen, name, resolved);
            }
            return resolved;
        });
    }

    @Override
    public UnitDetails unit(String name) {
        return bus.call(c -> {
            String path = SystemBus.manager(c).LoadUnit(name).getPath();
            Properties props = SystemBus.properties(c, path);
            Map<String, Variant<?>> unit = props.GetAll(SystemBus.UNIT_INTERFACE);
            if ("not-found".equals(UnitProperties.string(unit, "LoadState"))) {
                throw new NotFoundException("no unit " + name + " on this host");
            }
            // an alias shows as the unit it names: what systemd would act on
            String id = UnitProperties.string(unit, "Id").isEmpty() ? name : UnitProperties.string(unit, "Id");
            String type = id.substring(id.lastIndexOf('.') + 1);
            String typeInterface = "org.freedesktop.systemd1." + Character.toUpperCase(type.charAt(0)) + type.substring(1);
            return new UnitProperties(unit, props.GetAll(typeInterface)).details(id);
        });
    }

    @Override
    public JobOutcome run(UnitAction action, String unit) {
        DBusPath job = bus.call(c -> {
            ManagerBus m = SystemBus.manager(c);
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
        if (s.standardInput().length > 0) {
            props.add(new PropertyStruct("StandardInput", new Variant<>("data")));
            props.add(new PropertyStruct("StandardInputData", new Variant<>(s.standardInput(), "ay")));
        }
        props.addAll(properties(s.limits()));
        DBusPath job = bus.call(c -> SystemBus.manager(c).StartTransientUnit(s.unit(), "fail", props, List.of()));
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
        bus.call(c -> {
            SystemBus.manager(c).KillUnit(unit, whom, signal);
            return null;
        });
    }

    @Override
    public void resetFailed(String unit) {
        bus.call(c -> {
            SystemBus.manager(c).ResetFailedUnit(unit);
            return null;
        });
    }

    @Override
    public List<UnitFileChange> enable(String unit) {
        return reloaded(changes(bus.call(c -> SystemBus.manager(c).EnableUnitFiles(List.of(unit), false, false)).changes));
    }

    @Override
    public List<UnitFileChange> disable(String unit) {
        return reloaded(changes(bus.call(c -> SystemBus.manager(c).DisableUnitFiles(List.of(unit), false))));
    }

    @Override
    public List<UnitFileChange> mask(String unit) {
        return reloaded(changes(bus.call(c -> SystemBus.manager(c).MaskUnitFiles(List.of(unit), false, false))));
    }

    @Override
    public List<UnitFileChange> unmask(String unit) {
        return reloaded(changes(bus.call(c -> SystemBus.manager(c).UnmaskUnitFiles(List.of(unit), false))));
    }

    @Override
    public void daemonReload() {
        bus.call(c -> {
            SystemBus.manager(c).Reload();
            return null;
        });
        unitFiles.stale();
    }

    @Override
    public void setProperties(String unit, boolean runtime, List<UnitSetting> settings) {
        List<PropertyStruct> props = properties(settings);
        bus.call(c -> {
            SystemBus.manager(c).SetUnitProperties(unit, runtime, props);
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
        return hostnamed.hostname();
    }

    @Override
    public Map<Long, String> machines() {
        return machined.machines();
    }

    @Override
    public AutoCloseable onUnitChange(Consumer<String> listener) {
        AutoCloseable subscription = unitChanges.add(listener);
        try {
            bus.connect(); // subscribes, so the listener starts hearing now, if systemd is there
        } catch (HostUnavailableException e) {
            log.info("unit changes will be followed once systemd answers: {}", e.getMessage());
        }
        return subscription;
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
        Object[] f = o instanceof Object[] fields ? fields : ((Struct) o).getParameters();
        return new UnitFileChange(String.valueOf(f[0]), String.valueOf(f[1]), String.valueOf(f[2]));
    }

    @Override
    public void destroy() {
        factReaders.shutdownNow();
        unitFilesLister.shutdownNow();
        bus.close();
    }
}
