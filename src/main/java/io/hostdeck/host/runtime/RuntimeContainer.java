package io.hostdeck.host.runtime;

import java.util.List;
import java.util.Map;

/**
 * A container as its runtime's API tells it (Docker Engine API: /containers/json and inspect).
 *
 * @param runtime       "docker" or "podman": whose API told it
 * @param id            the runtime's full id (64 hex)
 * @param name          its name without the leading '/'
 * @param image         the image it was created from, as the runtime names it
 * @param created       seconds since the epoch
 * @param state         created, running, paused, restarting, exited, dead; podman's also stopping
 * @param status        the runtime's own words, "Up 3 minutes (healthy)"
 * @param health        healthy, unhealthy, starting; "" without a health check
 * @param ports         published ports
 * @param labels        its labels (compose, Kubernetes, …)
 * @param restartPolicy no, always, on-failure, unless-stopped ("" when the runtime does not say); null when not
 *                      inspected (a list's entry: {@link ContainerRuntimes#require} inspects)
 * @param restartCount  how often the runtime restarted it; null when not inspected
 * @param pid           its init's PID as the runtime sees it (the target's PID namespace), 0 when not running (or
 *                      not listed: Docker's list does not say, inspect does)
 * @param stopTimeout   seconds the runtime waits after the stop signal before SIGKILL; null when it does not say or
 *                      when not inspected
 */
public record RuntimeContainer(String runtime, String id, String name, String image, long created, String state,
        String status, String health, List<Port> ports, Map<String, String> labels, String restartPolicy,
        Integer restartCount, long pid, Integer stopTimeout) {

    /** A published port: host address and port to the container's port and protocol. */
    public record Port(String hostIp, int hostPort, int containerPort, String protocol) {
        @Override
        public String toString() {
            return (hostPort > 0 ? (hostIp == null || hostIp.isEmpty() ? "" : hostIp + ":") + hostPort + "→" : "")
                    + containerPort + "/" + protocol;
        }
    }

    public boolean running() {
        // podman's "stopping": its stop signal sent, its processes still there
        return state.equals("running") || state.equals("paused") || state.equals("restarting") || state.equals("stopping");
    }

    public boolean paused() {
        return state.equals("paused");
    }

    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** Compose's project and service, Kubernetes' pod and namespace, when its labels say. */
    public String label(String key) {
        return labels.getOrDefault(key, "");
    }

    public String composeProject() {
        return label("com.docker.compose.project");
    }

    public String composeService() {
        return label("com.docker.compose.service");
    }

    public String podName() {
        return label("io.kubernetes.pod.name");
    }

    public String podNamespace() {
        return label("io.kubernetes.pod.namespace");
    }

    /** When it was created, in UTC to the second. */
    public String createdText() {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
                .format(java.time.Instant.ofEpochSecond(created).atOffset(java.time.ZoneOffset.UTC));
    }

    public String portsText() {
        return String.join(", ", ports.stream().map(Port::toString).toList());
    }
}
