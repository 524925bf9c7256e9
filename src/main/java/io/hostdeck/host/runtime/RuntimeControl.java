package io.hostdeck.host.runtime;

import java.io.IOException;
import java.time.Duration;

import org.springframework.stereotype.Component;

import io.hostdeck.error.ConflictException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.HostUnavailableException;

/**
 * What changes a container through its runtime's API: stop (the runtime's signal, then SIGKILL
 * after its timeout, recorded by the runtime as a stop), start, restart, pause, unpause, remove.
 * Each call takes a container {@link ContainerRuntimes#require resolved} from the runtime, acts on
 * its id, and answers the runtime's own outcome.
 */
@Component
public class RuntimeControl {

    /** How long past the stop timeout the runtime may take to answer a stop or restart. */
    static final Duration MARGIN = Duration.ofSeconds(30);
    /** Docker's and Podman's default stop timeout, when the container does not say. */
    public static final int DEFAULT_STOP_TIMEOUT = 10;
    public static final int MAX_STOP_TIMEOUT = 3600;

    private final ContainerRuntimes runtimes;

    public RuntimeControl(ContainerRuntimes runtimes) {
        this.runtimes = runtimes;
    }

    /** Stops it with {@code timeout} seconds (null: the container's own) between the stop signal and SIGKILL. */
    public String stop(RuntimeContainer c, Integer timeout) {
        int t = timeout != null ? timeout : c.stopTimeout() != null ? c.stopTimeout() : DEFAULT_STOP_TIMEOUT;
        return post(c, "stop", timeout == null ? "" : "?t=" + timeout, Duration.ofSeconds(t).plus(MARGIN), "stopped",
                "was not running");
    }

    public String start(RuntimeContainer c) {
        return post(c, "start", "", Duration.ofSeconds(60), "started", "was already running");
    }

    public String restart(RuntimeContainer c, Integer timeout) {
        int t = timeout != null ? timeout : c.stopTimeout() != null ? c.stopTimeout() : DEFAULT_STOP_TIMEOUT;
        return post(c, "restart", timeout == null ? "" : "?t=" + timeout, Duration.ofSeconds(t).plus(MARGIN).plusSeconds(30),
                "restarted", "restarted");
    }

    public String pause(RuntimeContainer c) {
        return post(c, "pause", "", Duration.ofSeconds(30), "paused", "was already paused");
    }

    public String unpause(RuntimeContainer c) {
        return post(c, "unpause", "", Duration.ofSeconds(30), "unpaused", "was not paused");
    }

    /** Removes a container that is not running (never forced: a running one is a 409). */
    public String remove(RuntimeContainer c) {
        if (c.running()) {
            throw new ConflictException(c.name() + " is " + c.state() + ": stop it before removing it");
        }
        return send(c, "DELETE", "/containers/" + c.id(), Duration.ofSeconds(60), "removed", "removed");
    }

    private String post(RuntimeContainer c, String verb, String query, Duration timeout, String done, String already) {
        return send(c, "POST", "/containers/" + c.id() + "/" + verb + query, timeout, done, already);
    }

    private String send(RuntimeContainer c, String method, String target, Duration timeout, String done, String already) {
        EngineApi api = runtimes.api(c.runtime());
        UnixHttp.Response r;
        try {
            r = api.call(method, target, timeout, 1 << 20);
        } catch (IOException e) {
            throw new HostUnavailableException(c.runtime() + "'s API (" + api.socket() + ") did not carry it out: "
                    + ContainerRuntimes.problem(e));
        }
        return switch (r.status()) {
            case 200, 204 -> done;
            case 304 -> already;
            case 404 -> throw new NotFoundException(c.runtime() + " has no container " + c.name() + " any more");
            case 409 -> throw new ConflictException(c.runtime() + ": " + EngineApi.message(r));
            default -> throw new HostUnavailableException(c.runtime() + " answered " + r.status() + ": " + EngineApi.message(r));
        };
    }
}
