package io.hostdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The log view against the testbed's journald: a unit writes entries, the view finds them by unit,
 * priority, time and grep, the same URL gives the same entries, permalinks and paging open the
 * right ones, bad filters are 400s that name them, and live follow delivers and resumes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogsIT extends AppOnTestbed {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ENTRY = Pattern.compile(
            "<details [^>]*data-cursor=\"([^\"]+)\"[^>]*>\\s*<summary><time datetime=\"([^\"]+)\"[^>]*>"
                    + ".*?<span class=\"msg[^\"]*\">(.*?)</span></summary>", Pattern.DOTALL);
    /** Info lines the probe writes on stdout, and an err line ("<3>" prefix) after every 8th. */
    private static final int LINES = 240;
    private static final int ERRORS = LINES / 8;

    private final String unit = "hd-logs-" + UUID.randomUUID().toString().substring(0, 8) + ".service";
    private WebSession web;

    record Entry(String cursor, Instant at, String message) {
    }

    @BeforeAll
    void writeEntries() throws InterruptedException {
        // all on the unit's stdout stream: journald knows its unit for sure (a short-lived logger
        // process may be gone before journald can look up its cgroup)
        inTestbed("systemd-run", "--quiet", "--wait", "--unit=" + unit, "-p", "SyslogIdentifier=hd-logs-probe",
                "/bin/bash", "-c", "for i in $(seq 1 " + LINES + "); do echo \"hd-logs line $i\"; "
                        + "if (( i % 8 == 0 )); then echo \"<3>hd-logs failure $i\"; fi; done");
        web = logIn("viewer");
        // journald may store the last lines a moment after the unit exits
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!web.get("/logs?unit=" + unit + "&grep=line%20" + LINES + "%24").body().contains("hd-logs line " + LINES)) {
            assertThat(System.nanoTime()).as("the probe's last line reaches the journal").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void findsAUnitsEntriesByUnitPriorityTimeAndGrep() {
        List<Entry> all = allOfTheUnit();
        List<String> messages = all.stream().map(Entry::message).toList();
        assertThat(messages).contains("hd-logs line 1", "hd-logs line " + LINES, "hd-logs failure 8");
        assertThat(messages.stream().filter(m -> m.startsWith("hd-logs line"))).hasSize(LINES);
        assertThat(messages.stream().filter(m -> m.startsWith("hd-logs failure"))).hasSize(ERRORS);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).at()).as("newest first").isBeforeOrEqualTo(all.get(i - 1).at());
        }

        List<String> errors = messages(get("/logs?unit=" + unit + "&priority=err"));
        assertThat(errors).hasSize(ERRORS).allMatch(m -> m.startsWith("hd-logs failure"));
        assertThat(messages(get("/logs?unit=" + unit + "&priority=3"))).isEqualTo(errors);

        List<String> grepped = messages(get("/logs?unit=" + unit + "&grep=" + enc("line 1[0-9]$")));
        assertThat(grepped).containsExactlyInAnyOrder("hd-logs line 10", "hd-logs line 11", "hd-logs line 12",
                "hd-logs line 13", "hd-logs line 14", "hd-logs line 15", "hd-logs line 16", "hd-logs line 17",
                "hd-logs line 18", "hd-logs line 19");
        assertThat(messages(get("/logs?unit=" + unit + "&grep=" + enc("FAILURE (8|16)$"))))
                .as("upper case in the pattern: case-sensitive, as journalctl does it").isEmpty();
        assertThat(messages(get("/logs?unit=" + unit + "&grep=" + enc("failure (8|16)$"))))
                .containsExactlyInAnyOrder("hd-logs failure 8", "hd-logs failure 16");
        assertThat(messages(get("/logs?identifier=hd-logs-probe&grep=" + enc("failure 24$"))))
                .containsExactly("hd-logs failure 24");
        assertThat(messages(get("/logs?match=" + enc("SYSLOG_IDENTIFIER=hd-logs-probe") + "&match="
                + enc("_SYSTEMD_UNIT=" + unit) + "&priority=err"))).hasSize(ERRORS);

        // a range between two entries' times, inclusive, as @seconds and as a local date and time
        Instant from = all.get(all.size() * 3 / 4).at();
        Instant to = all.get(all.size() / 2).at();
        List<String> expected = all.stream().filter(e -> !e.at().isBefore(from) && !e.at().isAfter(to))
                .map(Entry::message).toList();
        assertThat(expected).hasSizeGreaterThan(10).hasSizeLessThan(all.size());
        // (journald stamps the lines it reads from a stream in one go with one time: ranges are coarse)
        assertThat(messages(get("/logs?unit=" + unit + "&since=" + enc(epoch(from)) + "&until=" + enc(epoch(to)))))
                .containsExactlyElementsOf(expected.subList(0, Math.min(LogReader.PAGE, expected.size())));
        // the absolute local form, whole seconds (the testbed's zone is UTC)
        Instant oldest = all.get(all.size() - 1).at();
        Instant newest = all.get(0).at();
        assertThat(messages(get("/logs?unit=" + unit + "&since=" + enc(local(oldest.getEpochSecond())))))
                .isEqualTo(messages(get("/logs?unit=" + unit)));
        assertThat(messages(get("/logs?unit=" + unit + "&since=" + enc(local(newest.getEpochSecond() + 1))))).isEmpty();
        assertThat(messages(get("/logs?unit=" + unit + "&until=" + enc(local(oldest.getEpochSecond() - 1))))).isEmpty();
        assertThat(messages(get("/logs?unit=" + unit + "&since=-1h&boot=0"))).isEqualTo(messages(get("/logs?unit=" + unit)));
        assertThat(messages(get("/logs?unit=" + unit + "&until=-1h"))).isEmpty();
    }

    @Test
    void theSameUrlGivesTheSameEntriesAndPagesJoinWithoutGapOrOverlap() {
        List<Entry> all = allOfTheUnit();
        String url = "/logs?unit=" + unit + "&priority=info&grep=" + enc("line|failure") + "&since="
                + enc(epoch(all.get(all.size() - 1).at()));
        String first = get(url);
        assertThat(entries(first)).hasSize(LogReader.PAGE);
        assertThat(entries(get(url))).as("a bookmark, opened again").isEqualTo(entries(first));

        Matcher older = Pattern.compile("id=\"page-older\" href=\"([^\"]+)\"").matcher(first);
        assertThat(older.find()).isTrue();
        String olderPage = get(older.group(1).replace("&amp;", "&"));
        List<Entry> both = new ArrayList<>(entries(first));
        both.addAll(entries(olderPage));
        assertThat(both).extracting(Entry::message).containsExactlyElementsOf(
                all.stream().map(Entry::message).filter(m -> m.contains("line") || m.contains("failure")).toList());

        // from the older page, "newer" leads back to the first page's entries
        Matcher newer = Pattern.compile("id=\"page-newer\" href=\"([^\"]+)\"").matcher(olderPage);
        assertThat(newer.find()).isTrue();
        List<Entry> back = entries(get(newer.group(1).replace("&amp;", "&")));
        assertThat(back).isEqualTo(entries(first));

        // after the newest entry: nothing yet, and it follows from that entry
        String newest = entries(first).get(0).cursor();
        String none = get(url + "&after=" + enc(newest));
        assertThat(entries(none)).isEmpty();
        assertThat(none).contains("id=\"no-entries\"").contains("data-from=\"" + newest + "\"").contains("data-follow=");
    }

    @Test
    void aPermalinkOpensItsEntryWithContext() {
        String page = get("/logs?unit=" + unit);
        List<Entry> shown = entries(page);
        Entry target = shown.get(100);
        Matcher link = Pattern.compile("data-cursor=\"" + Pattern.quote(target.cursor()) + "\".*?class=\"permalink\" href=\"([^\"]+)\"",
                Pattern.DOTALL).matcher(page);
        assertThat(link.find()).isTrue();
        String permalink = link.group(1).replace("&amp;", "&");
        assertThat(permalink).startsWith("/logs?unit=" + unit + "&at=");

        String opened = get(permalink);
        assertThat(opened).contains("id=\"at-entry\"");
        Matcher at = Pattern.compile("<details [^>]*id=\"at-entry\"[^>]*>").matcher(opened);
        assertThat(at.find()).as("the entry, marked").isTrue();
        assertThat(at.group()).as("open, its fields shown").contains(" open").contains(" at\"")
                .contains("data-cursor=\"" + target.cursor() + "\"");
        List<Entry> context = entries(opened);
        int i = context.indexOf(target);
        assertThat(i).isEqualTo(LogReader.CONTEXT);
        assertThat(context.subList(i - LogReader.CONTEXT, i + LogReader.CONTEXT + 1))
                .isEqualTo(shown.subList(100 - LogReader.CONTEXT, 100 + LogReader.CONTEXT + 1));
        assertThat(opened).contains(">_SYSTEMD_UNIT</dt><dd>" + unit + "</dd>");
        assertThat(entries(get(permalink))).as("the same again").isEqualTo(context);

        // a listed entry's other fields come when it is opened
        assertThat(page).doesNotContain(">_SYSTEMD_UNIT</dt>");
        String fields = get("/logs/entry?cursor=" + enc(target.cursor()));
        assertThat(fields).contains(">_SYSTEMD_UNIT</dt><dd>" + unit + "</dd>").contains(">MESSAGE</dt><dd>" + target.message() + "</dd>")
                .doesNotContain("<html");
        assertThat(web.get("/logs/entry?cursor=" + enc("s=0;i=0")).statusCode()).isEqualTo(400);
    }

    @Test
    void badFiltersAre400sThatNameTheFilterAndWhy() {
        String[][] cases = {
            {"priority=loud", "priority: &#39;loud&#39; is not a priority"},
            {"since=yesterday-ish", "since: &#39;yesterday-ish&#39; is not a time"},
            {"until=2026-02-31", "until: &#39;2026-02-31&#39; is not a valid date"},
            {"since=today&until=yesterday", "until: &#39;yesterday&#39; is before since"},
            {"grep=" + enc("(unclosed"), "grep: not a valid PCRE2 pattern: missing closing parenthesis"},
            {"boot=last", "boot: &#39;last&#39; is not a boot"},
            {"boot=-1", "boot: Data from the specified boot (-1) is not available"},
            {"at=" + enc("s=0;i=0;b=0;m=0;t=0;x=0"), "at: no entry with this cursor matches the filters"},
            {"before=--reverse", "before: &#39;--reverse&#39; is not a journal cursor"},
            {"after=" + enc("s=0;i=1"), "after: no entry with this cursor matches the filters"},
            {"match=pid%3D1", "match: &#39;pid&#39; is not a journal field name"},
            {"match=_PID", "match: &#39;_PID&#39; is not FIELD=value"},
            {"unit=" + enc("../../etc/passwd"), "unit: &#39;../../etc/passwd&#39; is not a unit name"},
            {"identifier=" + enc("a\u0007"), "identifier: &#39;a\u0007&#39; is not a syslog identifier"},
            {"prio=err", "prio: not a filter of the log view"},
        };
        WebSession anonymous = new WebSession(port);
        for (String path : new String[] {"/logs?unit=" + unit, "/logs/download?unit=" + unit, "/logs/entry?cursor=s%3D1"}) {
            HttpResponse<String> r = anonymous.get(path);
            assertThat(r.statusCode()).as("logged out: " + path).isEqualTo(302);
            assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        }
        for (String[] c : cases) {
            HttpResponse<String> r = web.get("/logs?" + c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(r.body()).as(c[0]).contains(c[1]);
        }
        HttpResponse<String> r = web.get("/logs/download?unit=" + unit + "&format=xml");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("format: &#39;xml&#39; is not text or json");
        assertThat(web.get("/logs/download?grep=%28").statusCode()).as("checked before streaming").isEqualTo(400);
    }

    @Test
    void downloadsTheViewAsTextOrJsonLinesAndTheUnitShortcutRedirects() {
        HttpResponse<String> json = web.send(HttpRequest.newBuilder(URI.create(web.base()
                + "/logs/download?unit=" + unit + "&priority=err&format=json")).GET().build());
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"journal.json\"");
        List<String> lines = json.body().lines().toList();
        assertThat(lines).hasSize(ERRORS);
        assertThat(JSON.readTree(lines.get(0)).path("MESSAGE").asString()).isEqualTo("hd-logs failure 8");

        HttpResponse<String> text = web.send(HttpRequest.newBuilder(URI.create(web.base()
                + "/logs/download?unit=" + unit + "&grep=" + enc("line 2[0-9]$") + "&format=text")).GET().build());
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.body().lines().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList()).as("oldest first")
                .containsExactly("20", "21", "22", "23", "24", "25", "26", "27", "28", "29");
        assertThat(text.body().lines()).hasSize(10).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT.* hd-logs-probe\\[\\d+\\]: hd-logs line 2\\d"));

        HttpResponse<String> shortcut = web.get("/services/" + unit + "/logs?priority=err");
        assertThat(shortcut.statusCode()).isEqualTo(302);
        assertThat(shortcut.headers().firstValue("Location")).hasValueSatisfying(
                l -> assertThat(l).endsWith("/logs?unit=" + unit + "&priority=err"));
        assertThat(get("/services/systemd-journald.service")).contains("href=\"/services/systemd-journald.service/logs\"");
    }

    @Test
    void followDeliversANewEntryWithinASecondAndResumesAfterAReconnectWithoutGapOrDuplicate() throws Exception {
        String tag = "hd-follow-" + UUID.randomUUID().toString().substring(0, 8);
        String filter = "identifier=" + tag;
        log(tag, "m0");
        String m0 = awaitCursor(filter, "m0");

        var received = new LinkedBlockingQueue<String>();
        var ws = live(received);
        ws.sendText(subscribe(filter + "&from=" + enc(m0)), true).join();
        JsonNode first = next(received);
        assertThat(first.path("catchUp").asBoolean()).isTrue();
        assertThat(first.path("count").asInt()).isZero();

        log(tag, "m1");
        long written = System.nanoTime();
        JsonNode update = next(received);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written);
        assertThat(ms).as("delivery time of a new entry, ms").isLessThan(1000);
        assertThat(entries(update.path("html").asString())).extracting(Entry::message).containsExactly("m1");
        String m1 = entries(update.path("html").asString()).get(0).cursor();

        // gone: meanwhile two entries come; back from the last one it saw, it gets exactly those
        ws.abort();
        log(tag, "m2");
        log(tag, "m3");
        awaitCursor(filter, "m3");
        var again = new LinkedBlockingQueue<String>();
        var ws2 = live(again);
        ws2.sendText(subscribe(filter + "&from=" + enc(m1)), true).join();
        JsonNode catchUp = next(again);
        assertThat(catchUp.path("catchUp").asBoolean()).isTrue();
        List<String> seen = new ArrayList<>(messagesOldestFirst(catchUp));
        log(tag, "m4");
        while (!seen.contains("m4")) {
            JsonNode more = next(again);
            assertThat(more.path("catchUp").asBoolean()).isFalse();
            seen.addAll(messagesOldestFirst(more));
        }
        assertThat(seen).containsExactly("m2", "m3", "m4");

        // a forged filter or cursor is refused, naming it
        ws2.sendText(subscribe("priority=loud"), true).join();
        assertThat(next(again).path("message").asString()).startsWith("logs priority: 'loud' is not a priority");
        ws2.sendText(subscribe(filter + "&from=" + enc("s=0;i=0")), true).join();
        assertThat(next(again).path("message").asString()).startsWith("logs from: no entry with this cursor");
        ws2.abort();
    }

    // ---- helpers

    private List<Entry> allOfTheUnit() {
        List<Entry> all = new ArrayList<>(entries(get("/logs?unit=" + unit)));
        Matcher older = Pattern.compile("id=\"page-older\" href=\"[^\"]*before=([^\"&]+)\"").matcher(get("/logs?unit=" + unit));
        if (older.find()) {
            all.addAll(entries(get("/logs?unit=" + unit + "&before=" + older.group(1))));
        }
        return all;
    }

    private String get(String path) {
        HttpResponse<String> r = web.get(path);
        assertThat(r.statusCode()).as(path + "\n" + r.body()).isEqualTo(200);
        return r.body();
    }

    static List<Entry> entries(String html) {
        List<Entry> out = new ArrayList<>();
        Matcher m = ENTRY.matcher(html);
        while (m.find()) {
            out.add(new Entry(m.group(1), Instant.parse(m.group(2)), unescape(m.group(3))));
        }
        return out;
    }

    private static List<String> messages(String html) {
        return entries(html).stream().map(Entry::message).toList();
    }

    private static List<String> messagesOldestFirst(JsonNode message) {
        List<String> m = new ArrayList<>(messages(message.path("html").asString()));
        java.util.Collections.reverse(m);
        return m;
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }

    private static String local(long epochSecond) {
        return Instant.ofEpochSecond(epochSecond).toString().replace("T", " ").replace("Z", "");
    }

    private static String epoch(Instant t) {
        return "@" + t.getEpochSecond() + "." + String.format("%06d", t.getNano() / 1000);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void log(String tag, String message) {
        inTestbed("logger", "-t", tag, message);
    }

    private String awaitCursor(String filter, String message) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (Entry e : entries(get("/logs?" + filter))) {
                if (e.message().equals(message)) {
                    return e.cursor();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no entry '" + message + "' for " + filter);
    }

    private static String subscribe(String arg) {
        return JSON.writeValueAsString(java.util.Map.of("type", "subscribe", "topic", "logs", "arg", arg));
    }

    private java.net.http.WebSocket live(LinkedBlockingQueue<String> received) throws Exception {
        var session = new WebSession(port);
        session.login("viewer", TestUsers.PASSWORD);
        var ws = session.openLive(session.base(), received).get(10, TimeUnit.SECONDS);
        assertThat(next(received).path("type").asString()).isEqualTo("hello");
        return ws;
    }

    private static JsonNode next(LinkedBlockingQueue<String> received) throws InterruptedException {
        String text = received.poll(5, TimeUnit.SECONDS);
        assertThat(text).as("a message within 5 s").isNotNull();
        return JSON.readTree(text);
    }

    static Set<String> cursors(List<Entry> entries) {
        return new LinkedHashSet<>(entries.stream().map(Entry::cursor).toList());
    }
}
