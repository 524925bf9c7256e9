package io.hostdeck.cgroups;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.hostdeck.host.cgroupfs.CgroupReader;
import io.hostdeck.host.cgroupfs.CgroupSample;

/**
 * Samples every cgroup on the target on a fixed tick ({@code hostdeck.stats.interval}, 1 s by
 * default), turns counters into rates and keeps each cgroup's history. One thread does it all,
 * so a slow reader of the results can never slow the sampling; readers get immutable snapshots.
 */
@Component
public class CgroupSampler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CgroupSampler.class);

    private final CgroupReader reader;
    private final Duration interval;
    private final int maxCgroups;
    private final int finePoints;
    private final int ticksPerMinute;
    private final List<Consumer<Map<String, CgroupRates>>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Tracked> tracked = new HashMap<>(); // sampler thread only
    /** The reader's last list of paths and its Tracked by index (null: not tracked), so that an unchanged walk needs no lookups. */
    private List<String> walked = List.of();
    private Tracked[] aligned = new Tracked[0];
    private TickMap.Index walkIndex = new TickMap.Index(List.of());
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private volatile Map<String, CgroupRates> latest = Map.of();
    private volatile Map<String, CgroupSample> samples = Map.of();
    private volatile Map<String, History> histories = Map.of();
    private volatile PassCost lastPass = new PassCost(0, 0, 0, 0, 0);
    private volatile Changes lastChanges = new Changes(List.of(), true);
    private final History.Clock clock; // written by the sampler thread only
    private final RecentMean recentCpu; // the CPU ns of the last minute's passes
    private ScheduledExecutorService executor;

    /**
     * What the last pass changed: the rates that are new this tick (every other cgroup's are the
     * same objects as the tick before), and whether cgroups came or went.
     */
    public record Changes(List<CgroupRates> changed, boolean membership) {
    }

    /** What the last pass cost, for the diagnostics page and the benchmark. {@code summed}: cool cgroups not read because their parent's CPU time showed they had not run. */
    public record PassCost(int cgroups, long wallNanos, long cpuNanos, long allocatedBytes, int summed) {
    }

    private static final class Tracked {
        CgroupSample last;
        CgroupRates idle; // the rates of the last tick if the reader found the cgroup idle then
        CgroupRates rates; // the last tick's
        boolean gone; // no longer tracked: a new Tracked starts if the path comes back
        final History history;

        Tracked(History history) {
            this.history = history;
        }
    }

    CgroupSampler(CgroupReader reader, @Value("${hostdeck.stats.interval:1s}") Duration interval,
            @Value("${hostdeck.stats.max-cgroups:5000}") int maxCgroups) {
        if (interval.toMillis() < 100 || interval.toMillis() > 60_000) {
            throw new IllegalArgumentException("hostdeck.stats.interval must be between 100ms and 60s, got " + interval);
        }
        this.reader = reader;
        this.interval = interval;
        this.maxCgroups = maxCgroups;
        this.finePoints = (int) (Duration.ofMinutes(15).toMillis() / interval.toMillis());
        this.ticksPerMinute = (int) Math.max(1, Duration.ofMinutes(1).toMillis() / interval.toMillis());
        this.recentCpu = new RecentMean(ticksPerMinute);
        this.clock = new History.Clock(finePoints, History.DAY_POINTS, ticksPerMinute);
    }

    public Duration interval() {
        return interval;
    }

    /** The counters of every cgroup as of the last tick (an idle cgroup's last reading), by path. */
    public Map<String, CgroupSample> samples() {
        return samples;
    }

    /** The rates of every cgroup at the last tick, by path. */
    public Map<String, CgroupRates> latest() {
        return latest;
    }

    /** A cgroup's history, oldest first: times (epoch s), then CPU %, memory, IO read/s, IO write/s, tasks, CPU pressure. */
    public Optional<double[][]> history(String path, boolean day) {
        History h = histories.get(path);
        if (h == null) {
            return Optional.empty();
        }
        synchronized (h) {
            return Optional.of(h.series(day));
        }
    }

    public PassCost lastPass() {
        return lastPass;
    }

    /** What the last pass changed, for the listeners of {@link #onTick}. */
    public Changes lastChanges() {
        return lastChanges;
    }

    /**
     * The mean CPU time of the passes in the last minute, in ns: a single pass varies, as each
     * cgroup is read in full once a minute and otherwise only when it ran.
     */
    public double meanPassCpuNanos() {
        return recentCpu.mean();
    }

    /** Bytes the histories hold now (an idle cgroup's history is small), and at most. */
    public long historyBytes() {
        long sum = 0;
        for (History h : histories.values()) {
            synchronized (h) {
                sum += h.bytes();
            }
        }
        return sum;
    }

    public long historyBytesBound() {
        return maxCgroups * History.bytesBound(finePoints, History.DAY_POINTS);
    }

    public void onTick(Consumer<Map<String, CgroupRates>> listener) {
        listeners.add(listener);
    }

    /** One pass over every cgroup; public so the benchmark can drive it without the schedule. */
    public void sampleOnce() {
        long wall = System.nanoTime();
        long cpu = threads.getCurrentThreadCpuTime();
        long allocated = allocatedBytes();
        List<String> paths = reader.beginPass();
        boolean sameWalk = paths == walked && aligned.length == paths.size(); // the reader's list, unchanged
        TickMap.Index index = sameWalk ? walkIndex : new TickMap.Index(paths);
        Object[] rates = new Object[paths.size()];
        Object[] read = new Object[paths.size()];
        int count = 0;
        long now = System.currentTimeMillis();
        clock.advance(now);
        boolean membership = false;
        List<CgroupRates> changed = new ArrayList<>();
        Tracked[] byIndex = sameWalk ? aligned : new Tracked[paths.size()];
        for (int i = 0; i < byIndex.length; i++) {
            String path = paths.get(i);
            Tracked t = sameWalk ? byIndex[i] : tracked.get(path);
            if (t != null && t.gone) {
                t = null;
            }
            if (t == null) {
                if (tracked.size() >= maxCgroups) {
                    continue;
                }
                t = new Tracked(new History(clock, finePoints, History.DAY_POINTS));
                tracked.put(path, t);
                membership = true;
            }
            byIndex[i] = t;
            CgroupSample sample = reader.poll(i, path);
            if (sample == null) {
                tracked.remove(path); // gone between listing and reading
                t.gone = true;
                byIndex[i] = null;
                membership = true;
                continue;
            }
            CgroupRates r;
            if (sample == t.last) { // idle: the rates of an idle tick are the same every time
                r = t.idle != null ? t.idle : (t.idle = CgroupRates.between(t.last, t.last));
            } else {
                r = CgroupRates.between(t.last, sample, t.rates);
                t.idle = null;
            }
            t.last = sample;
            if (r != t.rates) {
                changed.add(r);
                t.rates = r;
            }
            synchronized (t.history) {
                t.history.add(r);
            }
            rates[i] = r;
            read[i] = sample;
            count++;
        }
        TickMap<CgroupRates> ratesNow = new TickMap<>(index, rates, count);
        if (tracked.size() != count) {
            tracked.entrySet().removeIf(e -> {
                boolean gone = !ratesNow.containsKey(e.getKey());
                e.getValue().gone |= gone;
                return gone;
            });
            membership = true;
        }
        walked = paths;
        walkIndex = index;
        aligned = byIndex;
        if (membership) {
            Map<String, History> hs = new HashMap<>(tracked.size() * 2);
            tracked.forEach((p, t) -> hs.put(p, t.history));
            histories = Collections.unmodifiableMap(hs);
        }
        latest = ratesNow;
        samples = new TickMap<>(index, read, count);
        lastChanges = new Changes(changed, membership);
        lastPass = new PassCost(count, System.nanoTime() - wall, threads.getCurrentThreadCpuTime() - cpu,
                allocatedBytes() - allocated, reader.takeSummedStill());
        recentCpu.add(lastPass.cpuNanos());
        for (Consumer<Map<String, CgroupRates>> l : listeners) {
            try {
                l.accept(latest);
            } catch (RuntimeException e) {
                log.warn("a cgroup tick listener failed", e);
            }
        }
    }

    private long allocatedBytes() {
        if (threads instanceof com.sun.management.ThreadMXBean sun) {
            return sun.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return 0;
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cgroup-sampler");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                sampleOnce();
            } catch (RuntimeException e) {
                log.warn("cgroup sampling pass failed: {}", e.toString());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        executor.shutdownNow();
        executor = null;
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
