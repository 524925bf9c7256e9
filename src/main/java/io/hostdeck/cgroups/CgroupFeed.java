package io.hostdeck.cgroups;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.live.LiveHub;
import io.hostdeck.live.LiveTopic;

/**
 * The cgroup topics: {@code cgroups} (the top table: after each tick, only the rows whose shown
 * values changed, and the cgroups that went away) and {@code cgroup} with a path (one cgroup's
 * newest point for its charts). Runs on the sampler's thread, after the pass; the hub's bounded
 * per-session buffers keep a slow page from holding it up.
 */
@Component
class CgroupFeed {

    static final String ALL = "cgroups";

    private final CgroupSampler sampler;
    private final LiveHub hub;
    /** The rows as last sent; written by the sampler thread only (in place when no cgroup came or went). */
    private volatile Map<String, Row> sent = new ConcurrentHashMap<>();
    private Map<String, CgroupRates> sentRates = Map.of(); // the sampler thread's only

    /** A top-table row as pages show it: rounded, so noise below what is shown is not sent. */
    record Row(String path, Double cpu, Long memory, Long memoryMax, Long ioRead, Long ioWrite, Long tasks,
            Double throttled, Long failcnt, Long oomKills, Double pressure) {
        static Row of(CgroupRates r) {
            return new Row(r.path(), round1(r.cpuPercent()), r.memoryBytes(), r.memoryMax(), whole(r.ioReadPerSec()),
                    whole(r.ioWritePerSec()), r.tasks(), round1(r.throttledPercent()), r.memoryFailcnt(), r.oomKills(),
                    round1(r.cpuPressure()));
        }

        /**
         * Written out: a record's generated equals goes through method handles, which the C1-only
         * JIT of the shipped unit does not inline (at 10,000 cgroups a twentieth of the sampler thread).
         */
        @Override
        public boolean equals(Object o) {
            return o instanceof Row r && path.equals(r.path) && Objects.equals(cpu, r.cpu)
                    && Objects.equals(memory, r.memory) && Objects.equals(memoryMax, r.memoryMax)
                    && Objects.equals(ioRead, r.ioRead) && Objects.equals(ioWrite, r.ioWrite)
                    && Objects.equals(tasks, r.tasks) && Objects.equals(throttled, r.throttled)
                    && Objects.equals(failcnt, r.failcnt) && Objects.equals(oomKills, r.oomKills)
                    && Objects.equals(pressure, r.pressure);
        }

        @Override
        public int hashCode() {
            return path.hashCode();
        }

        private static Double round1(Double d) {
            return d == null ? null : Math.round(d * 10) / 10.0;
        }

        private static Long whole(Double d) {
            return d == null ? null : Math.round(d);
        }
    }

    record RowsMessage(String type, List<Row> rows, List<String> gone) {
        RowsMessage(List<Row> rows, List<String> gone) {
            this("cgroups", rows, gone);
        }
    }

    record PointMessage(String type, String path, double time, Row now) {
        PointMessage(String path, double time, Row now) {
            this("cgroup", path, time, now);
        }
    }

    CgroupFeed(CgroupSampler sampler, LiveHub hub) {
        this.sampler = sampler;
        this.hub = hub;
        sampler.onTick(this::tick);
    }

    /** The rows as last sent, so a new subscriber's first update is a change against this. */
    RowsMessage snapshot() {
        Map<String, Row> rows = sent;
        if (rows.isEmpty()) { // before the first tick
            List<Row> now = new ArrayList<>();
            sampler.latest().values().forEach(r -> now.add(Row.of(r)));
            return new RowsMessage(now, List.of());
        }
        return new RowsMessage(new ArrayList<>(rows.values()), List.of());
    }

    /** The newest point; empty (all null) for a cgroup not sampled yet, which the next tick may bring. */
    PointMessage snapshot(String path) {
        CgroupRates r = sampler.latest().get(path);
        Row row = r == null ? new Row(path, null, null, null, null, null, null, null, null, null, null) : Row.of(r);
        return new PointMessage(path, System.currentTimeMillis() / 1000.0, row);
    }

    private void tick(Map<String, CgroupRates> latest) {
        CgroupSampler.Changes changes = sampler.lastChanges();
        if (!changes.membership() && sent.size() == latest.size() && !sent.isEmpty()) {
            // only the cgroups whose rates are new this tick: every other row is as sent
            Map<String, Row> rows = sent;
            List<Row> changed = new ArrayList<>();
            for (CgroupRates r : changes.changed()) {
                Row row = Row.of(r);
                if (!row.equals(rows.get(r.path()))) {
                    rows.put(r.path(), row);
                    changed.add(row);
                }
            }
            sentRates = latest;
            if (!changed.isEmpty()) {
                hub.publish(ALL, new RowsMessage(changed, List.of()));
            }
            publishFollowed(latest);
            return;
        }
        Map<String, Row> before = sent;
        Map<String, CgroupRates> ratesBefore = sentRates;
        Map<String, Row> now = new ConcurrentHashMap<>(latest.size() * 2);
        List<Row> changed = new ArrayList<>();
        int kept = 0; // cgroups that were in the last rows too
        for (CgroupRates r : latest.values()) {
            Row was = before.get(r.path());
            if (was != null) {
                kept++;
                if (ratesBefore.get(r.path()) == r) {
                    now.put(r.path(), was); // the sampler's same rates for an idle cgroup: the same row
                    continue;
                }
            }
            Row row = Row.of(r);
            now.put(r.path(), row);
            if (!row.equals(was)) {
                changed.add(row);
            }
        }
        List<String> gone = kept == before.size() ? List.of()
                : before.keySet().stream().filter(p -> !now.containsKey(p)).toList();
        sent = now;
        sentRates = latest;
        if (!changed.isEmpty() || !gone.isEmpty()) {
            hub.publish(ALL, new RowsMessage(changed, gone));
        }
        publishFollowed(latest);
    }

    /** Each followed cgroup's newest point. */
    private void publishFollowed(Map<String, CgroupRates> latest) {
        double time = System.currentTimeMillis() / 1000.0;
        for (String key : hub.followed(CgroupTopic.PREFIX)) {
            String path = key.substring(CgroupTopic.PREFIX.length());
            CgroupRates r = latest.get(path);
            if (r != null) {
                hub.publish(key, new PointMessage(path, time, Row.of(r)));
            }
        }
    }

    @Component
    static class CgroupsTopic implements LiveTopic {
        private final CgroupFeed feed;

        CgroupsTopic(CgroupFeed feed) {
            this.feed = feed;
        }

        @Override
        public String name() {
            return ALL;
        }

        @Override
        public String key(String argument) {
            if (!argument.isEmpty()) {
                throw new InvalidInputException("arg", "the cgroups topic takes no argument");
            }
            return ALL;
        }

        @Override
        public Object snapshot(String key) {
            return feed.snapshot();
        }
    }

    @Component
    static class CgroupTopic implements LiveTopic {
        static final String PREFIX = "cgroup:";
        private final CgroupFeed feed;

        CgroupTopic(CgroupFeed feed) {
            this.feed = feed;
        }

        @Override
        public String name() {
            return "cgroup";
        }

        @Override
        public String key(String argument) {
            return PREFIX + CgroupPaths.require("path", argument);
        }

        /** A cgroup of one of the grant's units: the unit that owns it, not its last path part. */
        @Override
        public void authorize(org.springframework.security.core.Authentication grant, String argument) {
            CgroupQueries.requireInScope(grant, CgroupPaths.require("path", argument));
        }

        @Override
        public Object snapshot(String key) {
            return feed.snapshot(key.substring(PREFIX.length()));
        }
    }
}
