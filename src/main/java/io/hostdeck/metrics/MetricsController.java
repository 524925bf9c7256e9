package io.hostdeck.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.info.BuildProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import io.hostdeck.cgroups.CgroupSampler;
import io.hostdeck.host.HostName;
import io.hostdeck.host.Reading;
import io.hostdeck.host.cgroupfs.CgroupFs;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.host.systemd.ManagerInfo;
import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.host.systemd.UnitSummary;
import io.hostdeck.metrics.PrometheusText.HostFacts;

/**
 * {@code /metrics} for Prometheus, with a bearer token ({@code hostdeck.metrics.token}): without
 * one configured the endpoint is off, so it is never open by accident. The page session never
 * reaches it and the token never opens a page.
 */
@RestController
class MetricsController {

    static final MediaType TEXT_FORMAT = MediaType.parseMediaType("text/plain; version=0.0.4; charset=utf-8");

    /** How long the hostname is kept: asking hostnamed at every scrape would be a D-Bus call each time. */
    static final Duration HOSTNAME_TTL = Duration.ofMinutes(1);

    private final CgroupSampler sampler;
    private final Systemd systemd;
    private final HostName hostName;
    private final ProcFs procFs;
    private final CgroupFs cgroupFs;
    private final byte[] token;
    private final String externalUrl;
    private final String version;
    private volatile String hostname;
    private volatile long hostnameRead;
    private final io.hostdeck.host.runtime.ContainerRuntimes runtimes;

    MetricsController(CgroupSampler sampler, Systemd systemd, HostName hostName, ProcFs procFs,
            CgroupFs cgroupFs, @Value("${hostdeck.metrics.token:}") String token,
            @Value("${hostdeck.external-url:}") String externalUrl, ObjectProvider<BuildProperties> build,
            io.hostdeck.host.runtime.ContainerRuntimes runtimes) {
        this.runtimes = runtimes;
        this.sampler = sampler;
        this.systemd = systemd;
        this.hostName = hostName;
        this.procFs = procFs;
        this.cgroupFs = cgroupFs;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.externalUrl = ExternalUrl.check(externalUrl);
        BuildProperties info = build.getIfAvailable();
        this.version = info == null || info.getVersion() == null ? "dev" : info.getVersion();
    }

    @GetMapping("/metrics")
    ResponseEntity<String> metrics(@RequestHeader(value = "Authorization", required = false) String authorization) {
        if (token.length == 0) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                    .body("metrics are off: set hostdeck.metrics.token to a secret and give it to Prometheus as a bearer token\n");
        }
        byte[] given = authorization != null && authorization.startsWith("Bearer ")
                ? authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(given, token)) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Bearer realm=\"hostdeck metrics\"")
                    .contentType(MediaType.TEXT_PLAIN).body("a bearer token is needed (hostdeck.metrics.token)\n");
        }
        List<UnitSummary> units = systemd.listUnits();
        // containers a runtime claims carry its name and image, as cAdvisor labels them
        java.util.Map<String, io.hostdeck.host.runtime.RuntimeContainer> byId = new java.util.HashMap<>();
        runtimes.view().containers().forEach(c -> byId.put(c.id(), c));
        return ResponseEntity.ok().contentType(TEXT_FORMAT)
                .body(PrometheusText.render(sampler.samples(), units, byId) + PrometheusText.renderHost(facts(units))
                        + PrometheusText.renderTop(sampler.samples(), cpuCores()));
    }

    /** This host's identity and machine figures for hostdeck_info and the fleet page; each part on its own. */
    private HostFacts facts(List<UnitSummary> units) {
        Reading<ManagerInfo> manager = Reading.of(systemd::manager);
        Reading<ProcFs.Memory> memory = Reading.of(procFs::memory);
        Reading<Integer> cpus = Reading.of(procFs::cpuCount);
        List<String> failed = units.stream().filter(UnitSummary::failed).map(UnitSummary::name).toList();
        Map<String, Instant> since = new HashMap<>();
        if (!failed.isEmpty()) {
            systemd.unitFacts(failed).forEach((unit, f) -> {
                if (f.since() != null) {
                    since.put(unit, f.since());
                }
            });
        }
        return new HostFacts(hostname(), externalUrl, version, cgroupFs.mode().name().toLowerCase(Locale.ROOT),
                manager.ok() ? manager.value().version() : null, manager.ok() ? manager.value().systemState() : null,
                cpus.value(), memory.ok() ? memory.value().total() : null,
                memory.ok() ? memory.value().available() : null, failed, since);
    }

    /** Each cgroup's CPU at the sampler's last tick, in cores (its page shows it in %, 100 % a core). */
    private Map<String, Double> cpuCores() {
        Map<String, Double> cores = new HashMap<>();
        sampler.latest().forEach((path, r) -> {
            if (r.cpuPercent() != null) {
                cores.put(path, r.cpuPercent() / 100);
            }
        });
        return cores;
    }

    private String hostname() {
        long now = System.nanoTime();
        if (hostname == null || now - hostnameRead > HOSTNAME_TTL.toNanos()) {
            Reading<String> read = Reading.of(hostName::get);
            hostname = read.ok() ? read.value() : "";
            hostnameRead = now;
        }
        return hostname;
    }
}
