package io.hostdeck.fleet;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.web.util.UriUtils;

import io.hostdeck.cgroups.CgroupPaths;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.fleet.FleetQueries.Query;
import io.hostdeck.fleet.PrometheusClient.PrometheusException;
import io.hostdeck.fleet.PrometheusClient.Sample;
import io.hostdeck.metrics.ExternalUrl;
import io.hostdeck.security.Scope;

/**
 * Reads the fleet from Prometheus ({@code hostdeck.fleet.prometheus-url}): the {@link FleetQueries}
 * in parallel, joined by instance. Off when no URL is set. A Prometheus that does not answer is a
 * {@link PrometheusException}, never an empty fleet. Answers are kept for half a second, so pages with
 * the same filters and grant that refresh together ask Prometheus once.
 */
@Service
public class FleetService {

    private static final Logger log = LoggerFactory.getLogger(FleetService.class);
    /** Prometheus's own default scrape interval, used until it tells us the job's. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
    static final Duration MIN_RATE_WINDOW = Duration.ofMinutes(1);
    private static final Duration CACHE = Duration.ofMillis(500);
    private static final Duration INTERVAL_RECHECK = Duration.ofMinutes(5);
    private static final Duration INTERVAL_RETRY = Duration.ofSeconds(10);

    private final PrometheusClient client;
    private final String job;
    private final Duration fixedRefresh;
    private final Duration timeout;
    /** The system's, unless a Clock bean says otherwise (the benchmark reads a backfilled past). */
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private volatile Duration interval;
    private volatile long nextIntervalCheck = System.nanoTime();

    private record Cached(Fleet fleet, long at) {
    }

    FleetService(@Value("${hostdeck.fleet.prometheus-url:}") String url,
            @Value("${hostdeck.fleet.bearer-token:}") String bearerToken,
            @Value("${hostdeck.fleet.username:}") String username, @Value("${hostdeck.fleet.password:}") String password,
            @Value("${hostdeck.fleet.job:hostdeck}") String job, @Value("${hostdeck.fleet.refresh:}") String refresh,
            @Value("${hostdeck.fleet.timeout:5s}") Duration timeout, ObjectProvider<Clock> clock) {
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.client = url.isBlank() ? null : new PrometheusClient(checkUrl(url), bearerToken, username, password, timeout);
        if (job.isBlank()) {
            throw new IllegalArgumentException("hostdeck.fleet.job: empty; it is the job label of Hostdeck's scrape config");
        }
        this.job = job;
        this.fixedRefresh = refresh.isBlank() ? null : PromDuration.parse(refresh.strip());
        this.timeout = timeout;
    }

    private static URI checkUrl(String url) {
        return ExternalUrl.link(url).map(URI::create).orElseThrow(() -> new IllegalArgumentException(
                "hostdeck.fleet.prometheus-url: '" + url + "' is not an http:// or https:// URL (e.g. http://prometheus:9090)"));
    }

    /** Whether a Prometheus is configured. */
    public boolean enabled() {
        return client != null;
    }

    String prometheus() {
        return client == null ? "" : client.base().toString();
    }

    String job() {
        return job;
    }

    /**
     * How often the page refreshes: {@code hostdeck.fleet.refresh}, else the shortest scrape
     * interval Prometheus reports for the job's targets, else 15 s.
     */
    public Duration interval() {
        if (fixedRefresh != null) {
            return fixedRefresh;
        }
        long now = System.nanoTime();
        Duration known = interval;
        if (client != null && now - nextIntervalCheck >= 0) {
            // asked again every 5 minutes; after a failure, in 10 s (Prometheus may be starting)
            nextIntervalCheck = now + INTERVAL_RETRY.toNanos();
            try {
                var found = client.scrapeIntervals(job).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).stream()
                        .filter(d -> !d.isZero()).min(Comparator.naturalOrder());
                // no target yet (Prometheus just started, or the job is new): ask again soon, not in 5 minutes
                if (found.isPresent()) {
                    known = found.get();
                    interval = known;
                    nextIntervalCheck = now + INTERVAL_RECHECK.toNanos();
                } else {
                    nextIntervalCheck = now; // at the next call: one small query, until a target is there
                }
            } catch (ExecutionException | TimeoutException e) {
                log.info("fleet: cannot read the scrape interval from Prometheus ({}); refreshing every {}",
                        e.getCause() == null ? e : e.getCause().getMessage(), known == null ? DEFAULT_INTERVAL : known);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return known == null ? DEFAULT_INTERVAL : known;
    }

    /** The fleet now, through the filter and the grant's scope. */
    Fleet read(FleetFilter filter, Scope scope) {
        return read(filter, scope, clock.instant());
    }

    /** The fleet at {@code at}. */
    Fleet read(FleetFilter filter, Scope scope, Instant at) {
        if (client == null) {
            throw new IllegalStateException("the fleet is off: hostdeck.fleet.prometheus-url is not set");
        }
        Duration every = interval();
        Duration rate = every.multipliedBy(4).compareTo(MIN_RATE_WINDOW) > 0 ? every.multipliedBy(4) : MIN_RATE_WINDOW;
        String sel = filter.selector(job);
        String units = FleetFilter.units(scope);
        String hosts = filter.hosts(sel);
        String key = sel + '\u0000' + units + '\u0000' + hosts;
        long now = System.nanoTime();
        Cached hit = cache.get(key);
        if (hit != null && now - hit.at() < CACHE.toNanos() && Duration.between(hit.fleet().at(), at).abs().compareTo(CACHE) < 0) {
            return hit.fleet();
        }
        List<Query> queries = scope.all() ? FleetQueries.ALL : FleetQueries.SCOPED;
        Map<String, String> promql = new LinkedHashMap<>();
        Map<String, CompletableFuture<List<Sample>>> answers = new HashMap<>();
        for (Query q : queries) {
            String text = q.render(sel, units, hosts, rate);
            promql.put(q.id(), text);
            answers.put(q.id(), client.query(text, at));
        }
        try {
            CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PrometheusException p) {
                if (p.badQuery() && !filter.empty()) {
                    throw new InvalidInputException("filter", "Prometheus refused it: " + p.getMessage());
                }
                throw p;
            }
            throw new PrometheusException(false, "Prometheus at " + client.base() + " did not answer: " + e.getCause());
        } catch (TimeoutException e) {
            answers.values().forEach(f -> f.cancel(true));
            throw new PrometheusException(false, "Prometheus at " + client.base() + " did not answer within "
                    + timeout.toMillis() + " ms (hostdeck.fleet.timeout)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PrometheusException(false, "interrupted while asking Prometheus");
        }
        Map<String, List<Sample>> r = new HashMap<>();
        answers.forEach((id, f) -> r.put(id, f.join()));
        Fleet fleet = assemble(r, scope, promql, at, Duration.ofNanos(System.nanoTime() - now), every);
        if (cache.size() > 64) {
            cache.clear();
        }
        cache.put(key, new Cached(fleet, System.nanoTime()));
        return fleet;
    }

    private static Fleet assemble(Map<String, List<Sample>> r, Scope scope, Map<String, String> promql, Instant at,
            Duration took, Duration every) {
        Map<String, Sample> info = byInstance(r.get("info"));
        Map<String, String> names = new HashMap<>();
        Map<String, String> links = new HashMap<>();
        info.forEach((instance, s) -> {
            names.put(instance, s.label("hostname").isEmpty() ? instance : s.label("hostname"));
            ExternalUrl.link(s.label("url")).ifPresent(u -> links.put(instance, u));
        });
        Map<String, Sample> up = byInstance(r.get("up"));
        Map<String, Sample> scraped = byInstance(r.get("scraped"));
        Map<String, Sample> systemd = byInstance(r.get("systemd"));
        Map<String, Sample> failedCount = byInstance(r.get("failed_count"));
        Map<String, Sample> cpu = byInstance(r.get("cpu"));
        Map<String, Sample> used = byInstance(r.get("memory_used"));
        Map<String, Sample> total = byInstance(r.get("memory_total"));

        List<Fleet.FailedUnit> failed = new ArrayList<>();
        Map<String, Instant> since = new HashMap<>();
        for (Sample s : r.get("failed_since")) {
            since.put(s.label("instance") + '\u0000' + s.label("name"), Instant.ofEpochMilli((long) (s.value() * 1000)));
        }
        for (Sample s : r.get("failed")) {
            String unit = s.label("name");
            if (!scope.allows(unit)) {
                continue;
            }
            String instance = s.label("instance");
            String base = links.get(instance);
            failed.add(new Fleet.FailedUnit(instance, names.getOrDefault(instance, instance), unit,
                    base == null ? null : base + "/services/" + UriUtils.encodePathSegment(unit, "UTF-8"),
                    since.get(instance + '\u0000' + unit)));
        }
        // newest failure first; those whose time is unknown yet after them
        failed.sort(Comparator.comparing(Fleet.FailedUnit::since, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(Fleet.FailedUnit::host).thenComparing(Fleet.FailedUnit::unit));
        int more = Math.max(0, failed.size() - Fleet.MAX_FAILED);
        if (more > 0) {
            failed = new ArrayList<>(failed.subList(0, Fleet.MAX_FAILED));
        }

        List<Fleet.Host> hosts = new ArrayList<>();
        for (String instance : up.keySet()) {
            Sample i = info.get(instance);
            Double mem = value(used.get(instance));
            Double memTotal = value(total.get(instance));
            Double count = value(failedCount.get(instance));
            hosts.add(new Fleet.Host(instance, names.get(instance), links.get(instance), up.get(instance).value() == 1,
                    systemd.containsKey(instance) ? systemd.get(instance).label("state") : null,
                    // a Hostdeck with no failed unit exports no series to count: 0, when it is up and says who it is
                    count != null ? Integer.valueOf(count.intValue())
                            : up.get(instance).value() == 1 && i != null ? Integer.valueOf(0) : null,
                    value(cpu.get(instance)),
                    mem == null ? null : mem.longValue(), memTotal == null ? null : memTotal.longValue(),
                    value(scraped.get(instance)), i == null ? null : i.label("version"),
                    i == null ? null : i.label("cgroup_mode"), i == null ? null : i.label("systemd_version")));
        }
        // what needs looking at first: hosts down, then those with failed units, then by name
        hosts.sort(Comparator.comparing(Fleet.Host::down).reversed()
                .thenComparing(h -> h.failedUnits() == null ? 0 : h.failedUnits(), Comparator.reverseOrder())
                .thenComparing(Fleet.Host::name));

        return new Fleet(hosts, failed, more, top(r.get("top_cgroups_cpu"), scope, names, links),
                top(r.get("top_cgroups_memory"), scope, names, links),
                top(r.getOrDefault("top_containers_cpu", List.of()), scope, names, links),
                top(r.getOrDefault("top_containers_memory", List.of()), scope, names, links), !scope.all(), promql, at,
                took, every);
    }

    private static List<Fleet.Top> top(List<Sample> samples, Scope scope, Map<String, String> names,
            Map<String, String> links) {
        List<Fleet.Top> rows = new ArrayList<>();
        for (Sample s : samples) {
            String id = s.label("id");
            String unit = id.isEmpty() ? null : CgroupPaths.unit(id);
            if (!scope.all() && (unit == null || !scope.allows(unit))) {
                continue;
            }
            String instance = s.label("instance");
            String base = links.get(instance);
            rows.add(new Fleet.Top(instance, names.getOrDefault(instance, instance), id, s.label("name"),
                    s.label("container_runtime"), s.label("container_id"), s.value(),
                    base == null || id.isEmpty() ? null : base + "/cgroups" + UriUtils.encodePath(id, "UTF-8"),
                    base == null || unit == null || !unit.endsWith(".service") ? null
                            : base + "/services/" + UriUtils.encodePathSegment(unit, "UTF-8")));
        }
        rows.sort(Comparator.comparingDouble(Fleet.Top::value).reversed());
        return rows;
    }

    private static Map<String, Sample> byInstance(List<Sample> samples) {
        Map<String, Sample> out = new HashMap<>();
        for (Sample s : samples) {
            out.put(s.label("instance"), s);
        }
        return out;
    }

    private static Double value(Sample s) {
        return s == null || Double.isNaN(s.value()) ? null : s.value();
    }

    /** For the page: an empty answer means Prometheus scrapes no Hostdeck under this job and filter. */
    Optional<String> emptyReason(Fleet fleet, FleetFilter filter) {
        if (!fleet.hosts().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("Prometheus at " + prometheus() + " answered, and has no target of job \"" + job + "\""
                + (filter.empty() ? "" : " matching these filters")
                + ": check its scrape config (docs/metrics.md) or hostdeck.fleet.job");
    }
}
