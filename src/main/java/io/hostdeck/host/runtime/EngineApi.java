package io.hostdeck.host.runtime;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One runtime's Docker Engine API on a unix socket under the target's root: Docker's
 * {@code run/docker.sock} or Podman's compatible {@code run/podman/podman.sock}. Paths carry no
 * API version, so each runtime answers with its own (Docker and Podman both take unversioned
 * paths).
 */
final class EngineApi {

    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    static final int MAX_JSON = 16 << 20;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String runtime;
    private final Path socket;

    EngineApi(String runtime, Path socket) {
        this.runtime = runtime;
        this.socket = socket;
    }

    String runtime() {
        return runtime;
    }

    Path socket() {
        return socket;
    }

    boolean present() {
        return Files.exists(socket);
    }

    UnixHttp.Response call(String method, String target, Duration timeout, int maxBody) throws IOException {
        return UnixHttp.call(socket, method, target, timeout, maxBody);
    }

    /**
     * Every container, running or not, from the one list call: name, image, state and status,
     * health as the status says it, ports, labels, and the init's PID where the runtime lists it
     * (Podman does, Docker does not). What only inspect tells (restart policy and count, stop
     * timeout) is null here: {@link #inspect} adds it for one container.
     */
    List<RuntimeContainer> list() throws IOException {
        JsonNode all = json(call("GET", "/containers/json?all=true", READ_TIMEOUT, MAX_JSON), "/containers/json");
        List<RuntimeContainer> out = new ArrayList<>();
        for (JsonNode c : all) {
            String id = c.path("Id").asString("");
            if (id.matches("[0-9a-f]{12,64}")) {
                out.add(container(c));
            }
        }
        return out;
    }

    /** {@code c} with what its inspect adds: its PID, health, restart policy and count, stop timeout; null when it is gone. */
    RuntimeContainer inspect(RuntimeContainer c) throws IOException {
        UnixHttp.Response r = call("GET", "/containers/" + c.id() + "/json", READ_TIMEOUT, MAX_JSON);
        if (r.status() == 404) {
            return null; // removed since the list
        }
        JsonNode inspect = json(r, "inspect " + c.shortId());
        JsonNode state = inspect.path("State");
        JsonNode stop = inspect.path("Config").path("StopTimeout");
        String health = state.path("Health").path("Status").asString("");
        return new RuntimeContainer(c.runtime(), c.id(), c.name(), c.image(), c.created(),
                state.path("Status").asString(c.state()), c.status(), health.isEmpty() ? c.health() : health, c.ports(),
                c.labels(), inspect.path("HostConfig").path("RestartPolicy").path("Name").asString(""),
                inspect.path("RestartCount").asInt(0), state.path("Pid").asLong(c.pid()),
                stop.isNumber() ? Integer.valueOf(stop.asInt()) : null);
    }

    /** "Up 3 minutes (healthy)", "Up 5 seconds (health: starting)": the health a list's status carries, "" without one. */
    static String healthOf(String status) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((healthy|unhealthy|health: starting)\\)").matcher(status);
        return !m.find() ? "" : m.group(1).equals("health: starting") ? "starting" : m.group(1);
    }

    private RuntimeContainer container(JsonNode c) {
        String name = c.path("Names").path(0).asString("");
        if (name.startsWith("/")) {
            name = name.substring(1);
        }
        List<RuntimeContainer.Port> ports = new ArrayList<>();
        for (JsonNode p : c.path("Ports")) {
            ports.add(new RuntimeContainer.Port(p.path("IP").asString(""), p.path("PublicPort").asInt(0),
                    p.path("PrivatePort").asInt(0), p.path("Type").asString("tcp")));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        c.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString("")));
        String status = c.path("Status").asString("");
        return new RuntimeContainer(runtime, c.path("Id").asString(), name, c.path("Image").asString(""),
                c.path("Created").asLong(0), c.path("State").asString(""), status, healthOf(status), ports, labels, null,
                null, c.path("Pid").asLong(0), null);
    }

    /** The last {@code tail} lines of its output (stdout and stderr), the stream frames taken apart. */
    Logs logs(String id, int tail, boolean timestamps, int maxBytes) throws IOException {
        UnixHttp.Response r = call("GET", "/containers/" + id + "/logs?stdout=true&stderr=true&tail=" + tail
                + (timestamps ? "&timestamps=true" : ""), Duration.ofSeconds(10), maxBytes);
        if (r.status() != 200) {
            throw new IOException(runtime + " answered " + r.status() + " to its logs: " + message(r));
        }
        return new Logs(demultiplex(r.body()), r.truncated());
    }

    /** Its output, and whether it was cut at the cap. */
    record Logs(String text, boolean truncated) {
    }

    /**
     * Follows its output: the last {@code tail} lines, then each new one as the runtime sends it, to
     * {@code out} (flushed per frame), until the container's output ends, {@code out} fails (the
     * reader left), or the stream is closed.
     */
    void follow(String id, int tail, java.io.OutputStream out) throws IOException {
        try (UnixHttp.Stream s = UnixHttp.stream(socket, "/containers/" + id + "/logs?stdout=true&stderr=true&follow=true&tail="
                + tail, READ_TIMEOUT)) {
            if (s.status() != 200) {
                throw new IOException(runtime + " answered " + s.status() + " to its logs");
            }
            java.io.InputStream in = s.body();
            int first = in.read();
            if (first < 0) {
                return;
            }
            byte[] head = new byte[8];
            head[0] = (byte) first;
            boolean framed = first <= 2;
            if (!framed) {
                out.write(first);
                in.transferTo(new FlushingStream(out));
                return;
            }
            byte[] buf = new byte[8192];
            while (true) {
                if (in.readNBytes(head, 1, 7) < 7) {
                    return;
                }
                long n = (head[4] & 0xffL) << 24 | (head[5] & 0xff) << 16 | (head[6] & 0xff) << 8 | head[7] & 0xff;
                while (n > 0) {
                    int got = in.read(buf, 0, (int) Math.min(buf.length, n));
                    if (got < 0) {
                        return;
                    }
                    out.write(buf, 0, got);
                    n -= got;
                }
                out.flush();
                int next = in.read();
                if (next < 0) {
                    return;
                }
                head[0] = (byte) next;
            }
        }
    }

    /** Flushes after every write: a followed terminal's output reaches the reader as it comes. */
    private static final class FlushingStream extends java.io.FilterOutputStream {
        FlushingStream(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            out.flush();
        }
    }

    /**
     * A container without a terminal has its output in frames: 1 byte stream (0 stdin, 1 stdout,
     * 2 stderr), 3 zero bytes, a 4-byte big-endian length, then the bytes. With a terminal it is raw.
     */
    static String demultiplex(byte[] b) {
        if (b.length < 8 || b[0] > 2 || b[1] != 0 || b[2] != 0 || b[3] != 0) {
            return new String(b, StandardCharsets.UTF_8);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length);
        int i = 0;
        while (i + 8 <= b.length) {
            int n = (b[i + 4] & 0xff) << 24 | (b[i + 5] & 0xff) << 16 | (b[i + 6] & 0xff) << 8 | b[i + 7] & 0xff;
            int from = i + 8;
            int len = Math.min(n, b.length - from);
            out.write(b, from, Math.max(0, len));
            i = from + n;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static JsonNode json(UnixHttp.Response r, String what) throws IOException {
        if (r.status() != 200) {
            throw new IOException("answered " + r.status() + " to " + what + ": " + message(r));
        }
        if (r.truncated()) {
            throw new IOException("its answer to " + what + " is larger than " + (MAX_JSON >> 20) + " MiB");
        }
        try {
            return JSON.readTree(r.body());
        } catch (JacksonException e) {
            throw new IOException("its answer to " + what + " is not JSON: " + e.getOriginalMessage());
        }
    }

    /** The error message the API sent ({"message": "..."}), else the body. */
    static String message(UnixHttp.Response r) {
        try {
            JsonNode n = JSON.readTree(r.body());
            if (n.path("message").isString()) {
                return n.path("message").asString();
            }
        } catch (JacksonException notJson) {
            // the body as it is
        }
        String t = r.text().strip();
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
