package io.hostdeck.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import io.hostdeck.cgroups.CgroupSampler;
import io.hostdeck.host.systemd.Systemd;

/**
 * {@code /metrics} for Prometheus, with a bearer token ({@code hostdeck.metrics.token}): without
 * one configured the endpoint is off, so it is never open by accident. The page session never
 * reaches it and the token never opens a page.
 */
@RestController
class MetricsController {

    static final MediaType TEXT_FORMAT = MediaType.parseMediaType("text/plain; version=0.0.4; charset=utf-8");

    private final CgroupSampler sampler;
    private final Systemd systemd;
    private final byte[] token;
    private final io.hostdeck.host.runtime.ContainerRuntimes runtimes;

    MetricsController(CgroupSampler sampler, Systemd systemd, @Value("${hostdeck.metrics.token:}") String token,
            io.hostdeck.host.runtime.ContainerRuntimes runtimes) {
        this.runtimes = runtimes;
        this.sampler = sampler;
        this.systemd = systemd;
        this.token = token.getBytes(StandardCharsets.UTF_8);
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
        java.util.Map<String, io.hostdeck.host.runtime.RuntimeContainer> byId = new java.util.HashMap<>();
        runtimes.view().containers().forEach(c -> byId.put(c.id(), c));
        return ResponseEntity.ok().contentType(TEXT_FORMAT).body(PrometheusText.render(sampler.samples(), systemd.listUnits(), byId));
    }
}
