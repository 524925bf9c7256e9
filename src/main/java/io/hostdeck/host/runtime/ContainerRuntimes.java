package io.hostdeck.host.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;

/**
 * The container runtimes whose API answers on the target: Docker ({@code <root>/run/docker.sock})
 * and Podman's Docker-compatible service ({@code <root>/run/podman/podman.sock}, which
 * podman.socket serves). A runtime whose socket is not there is left out; one whose socket does
 * not answer is said so in {@link View#statuses()}, and its containers stay in the kernel's view.
 * Read-only: changes go through {@link RuntimeControl}.
 */
@Component
public class ContainerRuntimes {

    /** A name as Docker and Podman allow it, or an id (hex, 12 to 64 digits). */
    public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,253}");
    public static final List<String> RUNTIMES = List.of("docker", "podman");
    /** The log lines one page shows at most, and the bytes. */
    public static final int MAX_TAIL = 10_000;
    static final int MAX_LOG_BYTES = 4 << 20;

    private final Map<String, EngineApi> apis = new LinkedHashMap<>();

    public ContainerRuntimes(HostProperties host) {
        apis.put("docker", new EngineApi("docker", host.under("run/docker.sock")));
        apis.put("podman", new EngineApi("podman", host.under("run/podman/podman.sock")));
    }

    /** Every runtime's status, and the containers of those that answered. */
    public record View(List<RuntimeStatus> statuses, List<RuntimeContainer> containers) {

        /** The runtime's container whose id is {@code id} (full or the first 12+ digits), or whose init is {@code pid}. */
        public Optional<RuntimeContainer> match(String runtime, String runtimeId, long pid) {
            for (RuntimeContainer c : containers) {
                if (c.runtime().equals(runtime) && !runtimeId.isEmpty() && c.id().startsWith(runtimeId)) {
                    return Optional.of(c);
                }
            }
            if (pid > 0) {
                for (RuntimeContainer c : containers) {
                    if (c.pid() == pid && c.running()) {
                        return Optional.of(c);
                    }
                }
            }
            return Optional.empty();
        }

        /** Whether this runtime's API answered (so its containers are known). */
        public boolean answered(String runtime) {
            return statuses.stream().anyMatch(s -> s.runtime().equals(runtime) && s.answering());
        }

        /** The runtimes whose socket is there but did not answer. */
        public List<RuntimeStatus> notAnswering() {
            return statuses.stream().filter(s -> s.present() && !s.answering()).toList();
        }
    }

    /** Asks every runtime whose socket is there. */
    public View view() {
        List<RuntimeStatus> statuses = new ArrayList<>();
        List<RuntimeContainer> containers = new ArrayList<>();
        for (EngineApi api : apis.values()) {
            if (!api.present()) {
                statuses.add(new RuntimeStatus(api.runtime(), api.socket().toString(), false, false, "no socket"));
                continue;
            }
            try {
                containers.addAll(api.list());
                statuses.add(new RuntimeStatus(api.runtime(), api.socket().toString(), true, true, ""));
            } catch (IOException | RuntimeException e) {
                statuses.add(new RuntimeStatus(api.runtime(), api.socket().toString(), true, false, problem(e)));
            }
        }
        return new View(statuses, containers);
    }

    /**
     * The runtime's container named {@code nameOrId} (or with that id, or id prefix of 12+ hex
     * digits), inspected: with its restart policy and count and its stop timeout.
     */
    public RuntimeContainer require(String runtime, String nameOrId) {
        RuntimeContainer c = find(runtime, nameOrId);
        RuntimeContainer inspected = inspected(c);
        if (inspected == null) {
            throw new NotFoundException(runtime + " has no container '" + nameOrId + "' any more");
        }
        return inspected;
    }

    /** {@code c} (from a {@link #view}) with what its runtime's inspect adds; null when it is gone since. */
    public RuntimeContainer inspected(RuntimeContainer c) {
        EngineApi api = api(c.runtime());
        try {
            return api.inspect(c);
        } catch (IOException e) {
            throw new HostUnavailableException(c.runtime() + "'s API (" + api.socket() + ") is not answering: " + problem(e));
        }
    }

    private RuntimeContainer find(String runtime, String nameOrId) {
        EngineApi api = api(runtime);
        checkName(nameOrId);
        List<RuntimeContainer> all;
        try {
            all = api.list();
        } catch (IOException e) {
            throw new HostUnavailableException(runtime + "'s API (" + api.socket() + ") is not answering: " + problem(e));
        }
        for (RuntimeContainer c : all) {
            if (c.name().equals(nameOrId) || c.id().equals(nameOrId)) {
                return c;
            }
        }
        if (nameOrId.matches("[0-9a-f]{12,64}")) {
            List<RuntimeContainer> byPrefix = all.stream().filter(c -> c.id().startsWith(nameOrId)).toList();
            if (byPrefix.size() == 1) {
                return byPrefix.get(0);
            }
        }
        throw new NotFoundException(runtime + " has no container '" + nameOrId + "'");
    }

    /** Its last {@code tail} lines of output, through the runtime's log API. */
    public String logs(RuntimeContainer c, int tail) {
        if (tail < 1 || tail > MAX_TAIL) {
            throw new InvalidInputException("tail", "is between 1 and " + MAX_TAIL + ", not " + tail);
        }
        EngineApi api = api(c.runtime());
        try {
            EngineApi.Logs logs = api.logs(c.id(), tail, false, MAX_LOG_BYTES);
            return logs.truncated() ? logs.text() + "\n[cut at " + (MAX_LOG_BYTES >> 20) + " MiB]" : logs.text();
        } catch (IOException e) {
            throw new HostUnavailableException(c.runtime() + "'s logs of " + c.name() + ": " + problem(e));
        }
    }

    /** Follows its output into {@code out}: the last {@code tail} lines, then each new one, until it ends or the reader leaves. */
    public void followLogs(RuntimeContainer c, int tail, java.io.OutputStream out) throws IOException {
        if (tail < 0 || tail > MAX_TAIL) {
            throw new InvalidInputException("tail", "is between 0 and " + MAX_TAIL + ", not " + tail);
        }
        api(c.runtime()).follow(c.id(), tail, out);
    }

    EngineApi api(String runtime) {
        EngineApi api = apis.get(runtime);
        if (api == null) {
            throw new InvalidInputException("runtime", "is one of " + RUNTIMES + ", not '" + runtime + "'");
        }
        return api;
    }

    /** Refuses (400) what is no container name or id, before anything is asked. */
    public static void checkName(String nameOrId) {
        if (nameOrId == null || !NAME.matcher(nameOrId).matches()) {
            throw new InvalidInputException("container", "is a container name or id (letters, digits, _ . -), not '"
                    + nameOrId + "'");
        }
    }

    static String problem(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
