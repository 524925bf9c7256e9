package io.hostdeck.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.host.journal.Journal;
import io.hostdeck.host.procfs.OwnConnections;
import io.hostdeck.security.Scope;
import io.hostdeck.security.UnitAccess;
import io.hostdeck.web.RenderedPage;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The journal view: {@code /logs} with every filter and the paging cursor in the query string, a
 * unit's shortcut {@code /services/NAME/logs}, and the download of a view's entries.
 */
@Controller
class LogsController implements org.springframework.beans.factory.DisposableBean {

    static final Set<String> FILTERS = Set.of("unit", "priority", "since", "until", "boot", "grep", "identifier", "match");
    static final Set<String> PAGING = Set.of("before", "after", "at");
    /** A download holds at most this many lines (the oldest that match; one per entry in JSON) and bytes. */
    static final int DOWNLOAD_LINES = 100_000;
    static final long DOWNLOAD_BYTES = 256L * 1024 * 1024;

    private final LogReader reader;
    private final Journal journal;
    private final UnitAccess access;
    private final LogQuota quota;
    private final RenderedPage rendered;
    /** Reads a page's entries while its frame renders: one at a time per request thread, bounded by theirs. */
    private final ExecutorService pages = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "log-page");
        t.setDaemon(true);
        return t;
    });

    LogsController(LogReader reader, Journal journal, UnitAccess access, LogQuota quota, RenderedPage rendered) {
        this.rendered = rendered;
        this.quota = quota;
        this.access = access;
        this.reader = reader;
        this.journal = journal;
    }

    /** Where the page's template has the entries, which are written there as bytes (RenderedPage#write). */
    static final String ENTRIES = "<hostdeck-log-entries/>";

    @GetMapping("/logs")
    void logs(@RequestParam MultiValueMap<String, String> params, Model model,
            jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response)
            throws java.io.IOException {
        known(params, Set.of());
        LogFilter filter = LogFilter.parse(params, reader.zone(), Instant.now()).scopedTo(SecurityContextHolder.getContext().getAuthentication(), access);
        String before = LogFilter.cursor(params, "before");
        String after = LogFilter.cursor(params, "after");
        String at = LogFilter.cursor(params, "at");
        String q = filter.queryString();
        try (var slot = quota.forPage(filter, user())) {
            // journalctl starts now, the user being authorized and the filter known; the page's frame
            // (head, nav, filter form) is rendered meanwhile, and what the entries decide waits for them
            CompletableFuture<Shown> shown = CompletableFuture.supplyAsync(() -> shown(filter, before, after, at, q), pages);
            model.addAttribute("filter", filter);
            model.addAttribute("filterQuery", q);
            model.addAttribute("priorities", LogFilter.PRIORITIES);
            model.addAttribute("zone", reader.zone().getId());
            model.addAttribute("at", at);
            model.addAttribute("after", after); // an empty page after an entry follows from that entry
            model.addAttribute("page", lazy(shown, Shown::page));
            model.addAttribute("entries", ENTRIES);
            model.addAttribute("olderUrl", lazy(shown, Shown::olderUrl));
            model.addAttribute("newerUrl", lazy(shown, Shown::newerUrl));
            model.addAttribute("journalProblem", lazy(shown, Shown::journalProblem));
            try {
                rendered.write("logs/list", model.asMap(), ENTRIES, () -> awaited(shown).entries(), request, response);
            } catch (RuntimeException e) {
                awaited(shown); // the read's own failure (a bad pattern: 400; no journal: 503) is the answer
                throw e;
            }
        }
    }

    @Override
    public void destroy() {
        pages.shutdownNow();
    }

    /** What the entries decide on the page, read while the page's frame renders. */
    private record Shown(LogPage page, byte[] entries, String olderUrl, String newerUrl, String journalProblem) {
    }

    private Shown shown(LogFilter filter, String before, String after, String at, String q) {
        // each entry's HTML is written as its row comes, while journalctl reads the next ones
        StringBuilder html = new StringBuilder(LogReader.PAGE * 768);
        LogPage page = reader.page(filter, before, after, at, row -> EntryHtml.entry(html, row));
        String base = "/logs?" + (q.isEmpty() ? "" : q + "&");
        return new Shown(page, html.toString().getBytes(StandardCharsets.UTF_8),
                page.older() == null ? null : base + "before=" + LogFilter.enc(page.older()),
                page.newer() == null ? null : base + "after=" + LogFilter.enc(page.newer()),
                // entries prove a journal: only an empty page looks for the files (a walk of the journal directories)
                page.rows().isEmpty() ? journal.unavailable().orElse(null) : null);
    }

    private static <T> org.thymeleaf.context.LazyContextVariable<T> lazy(CompletableFuture<Shown> shown,
            java.util.function.Function<Shown, T> part) {
        return new org.thymeleaf.context.LazyContextVariable<>() {
            @Override
            protected T loadValue() {
                return part.apply(awaited(shown));
            }
        };
    }

    /** The read's answer, or its failure as it was thrown (InvalidInputException, HostUnavailableException, ...). */
    private static Shown awaited(CompletableFuture<Shown> shown) {
        try {
            return shown.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** All fields of one entry, as a fragment: a page's entry loads them when it is opened. */
    @GetMapping("/logs/entry")
    String entry(@RequestParam MultiValueMap<String, String> params, Model model) {
        String cursor = LogFilter.cursor(params, "cursor");
        if (cursor == null) {
            throw new InvalidInputException("cursor", "missing: which entry?");
        }
        LogRow row = reader.entry(cursor);
        requireEntryInScope(row);
        model.addAttribute("r", row);
        return "logs/entries :: fields";
    }

    /**
     * An entry opened by its cursor must be one of a scoped grant's units, as journalctl -u would
     * count it: logged by the unit, or about it by systemd (PID 1) or by root, or its core dump.
     */
    static void requireEntryInScope(LogRow row) {
        Scope scope = Scope.current();
        if (scope.all()) {
            return;
        }
        Map<String, String> f = new java.util.HashMap<>();
        row.fields().forEach(field -> f.putIfAbsent(field.name(), field.value()));
        boolean ours = scope.allows(f.getOrDefault("_SYSTEMD_UNIT", ""))
                || ("1".equals(f.get("_PID")) && scope.allows(f.getOrDefault("UNIT", "")))
                || ("0".equals(f.get("_UID")) && scope.allows(f.getOrDefault("OBJECT_SYSTEMD_UNIT", "")))
                || (f.containsKey("COREDUMP_UNIT") && scope.allows(f.get("COREDUMP_UNIT")));
        if (!ours) {
            throw new io.hostdeck.error.RefusedException("this entry is of no unit of your grant, which is limited to "
                    + String.join(", ", scope.patterns()));
        }
    }

    /** A unit's log: the view filtered to it, at one canonical URL. */
    @GetMapping("/services/{unit}/logs")
    String unitLogs(@PathVariable String unit, @RequestParam MultiValueMap<String, String> params) {
        known(params, Set.of());
        LogFilter.parse(Map.of("unit", List.of(unit)), reader.zone(), Instant.now()); // checks the name
        unit = access.read(unit);
        StringBuilder target = new StringBuilder("/logs?unit=").append(LogFilter.enc(unit));
        params.forEach((name, values) -> values.forEach(v -> target.append('&').append(LogFilter.enc(name))
                .append('=').append(LogFilter.enc(v))));
        return "redirect:" + target;
    }

    /** The view's entries, oldest first, as text or JSON lines, streamed and bounded. */
    @GetMapping("/logs/download")
    ResponseEntity<StreamingResponseBody> download(@RequestParam MultiValueMap<String, String> params,
            jakarta.servlet.http.HttpServletRequest request) {
        known(params, Set.of("format"));
        LogFilter filter = LogFilter.parse(params, reader.zone(), Instant.now()).scopedTo(SecurityContextHolder.getContext().getAuthentication(), access);
        String format = params.getFirst("format") == null ? "text" : params.getFirst("format");
        Journal.Format f = switch (format) {
            case "text" -> Journal.Format.TEXT;
            case "json" -> Journal.Format.JSON;
            default -> throw new InvalidInputException("format", "'" + format + "' is not text or json");
        };
        var query = reader.query(filter);
        // the slot is held until the last byte is out (or the client has gone)
        LogQuota.Permit slot = quota.acquire(LogQuota.Kind.DOWNLOAD, user());
        int local = request.getLocalPort();
        int remote = request.getRemotePort();
        StreamingResponseBody body;
        try {
            journal.newest(query, 1); // journalctl's verdict on the filters (a bad pattern, an unknown boot) before streaming
            body = out -> {
                try (slot) {
                    boolean cut = journal.export(query, f, DOWNLOAD_LINES, DOWNLOAD_BYTES, out,
                            () -> OwnConnections.established(local, remote));
                    if (cut && f == Journal.Format.TEXT) {
                        out.write(("-- cut here: at most " + DOWNLOAD_LINES + " lines or " + (DOWNLOAD_BYTES >> 20)
                                + " MiB; narrow the filters (since, until) for the rest --\n").getBytes(StandardCharsets.UTF_8));
                    }
                }
            };
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
        String name = "journal." + (f == Journal.Format.JSON ? "json" : "txt");
        return ResponseEntity.ok()
                .contentType(f == Journal.Format.JSON ? MediaType.parseMediaType("application/x-ndjson")
                        : new MediaType("text", "plain", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name).build().toString())
                .body(body);
    }

    static String user() {
        var auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? "" : auth.getName();
    }

    /** A parameter this view does not know is refused: a misspelt filter would otherwise show everything. */
    static void known(MultiValueMap<String, String> params, Set<String> extra) {
        for (String name : params.keySet()) {
            if (!FILTERS.contains(name) && !PAGING.contains(name) && !extra.contains(name)) {
                throw new InvalidInputException(name.length() > 40 ? name.substring(0, 40) + "…" : name,
                        "not a filter of the log view; filters: unit, priority, since, until, boot, grep, "
                                + "identifier, match (FIELD=value)");
            }
        }
    }
}
