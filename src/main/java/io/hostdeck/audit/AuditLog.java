package io.hostdeck.audit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import io.hostdeck.host.journal.JournalWriter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who did what to which target, from which address, with which arguments, and how it ended: each
 * record goes to the target's journal with structured fields (SYSLOG_IDENTIFIER=hostdeck,
 * HOSTDECK_USER, HOSTDECK_ACTION, HOSTDECK_TARGET, HOSTDECK_RESULT, HOSTDECK_ADDRESS, HOSTDECK_ARGS)
 * and as a JSON line to a local file opened for appending only, so that the trail survives either
 * being lost; and to the {@code hostdeck.audit} logger.
 */
@Component
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger("hostdeck.audit");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** /audit reads at most this much of the file's end. */
    private static final long READ_TAIL = 16L * 1024 * 1024;

    private final Path file;
    private final JournalWriter journal;

    AuditLog(@Value("${hostdeck.audit.file:/var/log/hostdeck/audit.log}") String file, JournalWriter journal) {
        this.file = Path.of(file).toAbsolutePath();
        this.journal = journal;
    }

    /** One record of the trail. */
    public record Entry(Instant at, String user, String address, String action, String target,
            Map<String, String> arguments, String result) {

        /** A failure of any kind: the action failed, or was refused. */
        public boolean failed() {
            return result.startsWith("error") || result.startsWith("refused") || result.startsWith("failed");
        }
    }

    /**
     * What an authentication's details implement when the request did not come from a page session
     * (an API token): the trail names it beside the user, as the argument {@code via}.
     */
    public interface Via {
        String via();
    }

    /** An action by the logged-in user of this request. */
    public void record(String action, String target, Map<String, String> arguments, String outcome) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        Map<String, String> args = new TreeMap<>(arguments);
        if (auth != null && auth.getDetails() instanceof Via v) {
            args.put("via", v.via());
        }
        write(new Entry(Instant.now(), auth == null ? "-" : auth.getName(), address(), action, target, args, outcome));
    }

    /** An action on behalf of {@code user} when no one is logged in: a refused API token names its owner. */
    public void recordAs(String user, String action, String target, Map<String, String> arguments, String outcome) {
        write(new Entry(Instant.now(), user, address(), action, target, new TreeMap<>(arguments), outcome));
    }

    /** An action by {@code user} from {@code address}, outside any request (a terminal on the live channel). */
    public void recordFrom(String user, String address, String action, String target, Map<String, String> arguments,
            String outcome) {
        write(new Entry(Instant.now(), user, address, action, target, new TreeMap<>(arguments), outcome));
    }

    /** A login attempt, which has no logged-in user yet. */
    public void recordLogin(String user, String address, String outcome) {
        write(new Entry(Instant.now(), user, address, "login", user, Map.of(), outcome));
    }

    private synchronized void write(Entry e) {
        String args = e.arguments().entrySet().stream().map(a -> a.getKey() + "=" + a.getValue())
                .collect(Collectors.joining(" "));
        log.info("user={} address={} action={} target={} args=[{}] result={}", e.user(), e.address(), e.action(),
                e.target(), args, e.result());
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(file, JSON.writeValueAsString(e) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException x) {
            log.error("cannot append to the audit file {}: {}", file, x.toString());
        }
        try {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("MESSAGE", "hostdeck: " + e.user() + " " + e.action() + " " + e.target() + ": " + e.result());
            fields.put("PRIORITY", e.failed() ? "4" : "5");
            fields.put("SYSLOG_IDENTIFIER", "hostdeck");
            fields.put("HOSTDECK_USER", e.user());
            fields.put("HOSTDECK_ADDRESS", e.address());
            fields.put("HOSTDECK_ACTION", e.action());
            fields.put("HOSTDECK_TARGET", e.target());
            fields.put("HOSTDECK_ARGS", JSON.writeValueAsString(e.arguments()));
            fields.put("HOSTDECK_RESULT", e.result());
            journal.send(fields);
        } catch (RuntimeException x) {
            log.error("cannot write the audit record to the journal: {}", x.toString());
        }
    }

    /** The newest records first, at most {@code limit}, from the end of the local file. */
    public List<Entry> recent(int limit, java.util.function.Predicate<Entry> filter) {
        List<Entry> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - READ_TAIL);
            byte[] tail = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(tail);
            String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0 && out.size() < limit; i--) {
                Entry e = parse(lines[i]);
                if (e != null && filter.test(e)) {
                    out.add(e);
                }
            }
        } catch (IOException x) {
            log.error("cannot read the audit file {}: {}", file, x.toString());
        }
        return out;
    }

    private static Entry parse(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            Map<String, String> args = new TreeMap<>();
            n.path("arguments").properties().forEach(p -> args.put(p.getKey(), p.getValue().asString()));
            return new Entry(Instant.parse(n.path("at").asString()), n.path("user").asString(), n.path("address").asString(),
                    n.path("action").asString(), n.path("target").asString(), Collections.unmodifiableMap(args),
                    n.path("result").asString());
        } catch (RuntimeException e) {
            return null; // a line cut at the start of the tail, or not ours
        }
    }

    private static String address() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes r) {
            return r.getRequest().getRemoteAddr();
        }
        return "-";
    }
}
