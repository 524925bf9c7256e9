package io.hostdeck.logs;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.security.Scope;
import io.hostdeck.web.JsonApi;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The journal over the JSON API: the log view's filters, parsed and scoped by the same
 * {@link LogFilter}, and its pages by cursor ({@code before}, {@code after}, {@code at}), newest
 * first, 200 a page.
 */
@RestController
@JsonApi
@RequestMapping("/api/logs")
@Tag(name = "logs", description = "the journal with the log view's filters, by cursor")
class LogsApi {

    private final LogReader reader;
    private final io.hostdeck.security.UnitAccess access;

    private final LogQuota quota;

    LogsApi(LogReader reader, io.hostdeck.security.UnitAccess access, LogQuota quota) {
        this.quota = quota;
        this.access = access;
        this.reader = reader;
    }

    /** One entry: its cursor for paging, time, priority, who logged it, the message, its fields. */
    record Entry(String cursor, String time, int priority, String priorityName, String source, String message,
            Map<String, String> fields) {
        static Entry of(LogRow r) {
            Map<String, String> fields = new LinkedHashMap<>();
            r.fields().forEach(f -> fields.putIfAbsent(f.name(), f.value()));
            return new Entry(r.cursor(), r.iso(), r.priority(), r.priorityName(), r.source(),
                    r.hasMessage() ? r.message() : null, fields);
        }
    }

    /** A page, newest first: {@code older} is the cursor for {@code before=}, {@code newer} for {@code after=}. */
    record Page(String filter, List<Entry> entries, String older, String newer) {
    }

    @GetMapping
    @Operation(summary = "A page of the journal with the log view's filters; page with before=/after= cursors, or at= for an entry in context")
    Page page(@Parameter(description = "unit, priority, since, until, boot, grep, identifier, match (FIELD=value), "
            + "and one of before, after, at") @RequestParam MultiValueMap<String, String> params) {
        LogsController.known(params, Set.of());
        LogFilter filter = LogFilter.parse(params, reader.zone(), Instant.now()).scopedTo(org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication(), access);
        String before = LogFilter.cursor(params, "before");
        String after = LogFilter.cursor(params, "after");
        String at = LogFilter.cursor(params, "at");
        LogPage page;
        try (var slot = quota.forPage(filter, LogsController.user())) {
            page = reader.page(filter, before, after, at);
        }
        return new Page(filter.queryString(), page.rows().stream().map(Entry::of).toList(), page.older(), page.newer());
    }

    @GetMapping("/entry")
    @Operation(summary = "Every field of one entry, by its cursor")
    Entry entry(@RequestParam MultiValueMap<String, String> params) {
        String cursor = LogFilter.cursor(params, "cursor");
        if (cursor == null) {
            throw new InvalidInputException("cursor", "missing: which entry?");
        }
        LogRow row = reader.entry(cursor);
        LogsController.requireEntryInScope(row);
        return Entry.of(row);
    }
}
