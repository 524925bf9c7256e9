package io.hostdeck.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.hostdeck.host.journal.JournalEntry;
import io.hostdeck.host.journal.JournalEntry.Field;

class EntryHtmlTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final String BASE = "/logs?unit=a.service&at=";

    private static JournalEntry entry(String cursor, Field... fields) {
        return new JournalEntry(cursor, Instant.parse("2026-11-29T07:30:00.123456Z"), List.of(fields));
    }

    @Test
    void aListedEntryIsItsLineAndItsPermalink() {
        LogRow r = LogRow.of(entry("s=1;i=2", new Field("MESSAGE", "<b>\"quoted\" & 'single'</b>", false),
                new Field("PRIORITY", "3", false), new Field("SYSLOG_IDENTIFIER", "sshd", false),
                new Field("_PID", "812", false)), BERLIN, BASE, false);

        assertThat(EntryHtml.entries(List.of(r))).isEqualTo("<details class=\"entry p3\" data-cursor=\"s=1;i=2\">"
                + "<summary><time datetime=\"2026-11-29T07:30:00.123456Z\" title=\"2026-11-29 07:30:00.123456 UTC\">"
                + "2026-11-29 08:30:00.123</time> <span class=\"prio\">err</span> <span class=\"source\">sshd[812]</span> "
                + "<span class=\"msg\">&lt;b&gt;&quot;quoted&quot; &amp; &#39;single&#39;&lt;/b&gt;</span></summary>\n"
                + "  <div class=\"fields\"><a class=\"permalink\" href=\"/logs?unit=a.service&amp;at=s%3D1%3Bi%3D2\">"
                + "permalink</a></div>\n</details>\n");
    }

    @Test
    void theOpenedEntryListsItsFieldsAndAnEntryWithoutMessageSaysSo() {
        LogRow r = LogRow.of(entry("c<1>", new Field("_COMM", "a&b", false), new Field("BIG", null, false)), BERLIN,
                BASE, true);

        String html = EntryHtml.entries(List.of(r));

        assertThat(html).startsWith("<details class=\"entry p6 at\" data-cursor=\"c&lt;1&gt;\" open=\"open\" id=\"at-entry\">")
                .contains("<span class=\"source\">a&amp;b</span> <span class=\"msg muted\">(no message)</span>")
                .contains("<dl><dt>BIG</dt><dd>(larger than 4096 bytes, not shown)</dd><dt>_COMM</dt><dd>a&amp;b</dd></dl>");
        assertThat(html.indexOf("class=\"permalink\"")).isLessThan(html.indexOf("<dl>"));
        assertThat(EntryHtml.fields(r)).isEqualTo(html.substring(html.indexOf("<a class=\"permalink\""),
                html.indexOf("</div>")));
    }

    @Test
    void noEntriesNoHtml() {
        assertThat(EntryHtml.entries(List.of())).isEmpty();
    }
}
