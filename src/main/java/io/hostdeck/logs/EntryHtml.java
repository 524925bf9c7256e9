package io.hostdeck.logs;

import java.util.List;

import org.unbescape.html.HtmlEscape;

/**
 * A log view's entries as HTML, written here rather than by Thymeleaf attributes: a page holds
 * 200 of them, and Thymeleaf's work for each attribute of each entry took 10 ms a page, half the
 * time of reading them (docs/benchmarks.md, JournalBench). One entry, closed:
 *
 * <pre>{@code
 * <details class="entry p6" data-cursor="s=…"><summary><time datetime="2026-11-29T07:30:00.123456Z"
 *   title="2026-11-29 07:30:00.123456 UTC">2026-11-29 08:30:00.123</time> <span class="prio">info</span>
 *   <span class="source">sshd[812]</span> <span class="msg">…</span></summary><div class="fields"><a
 *   class="permalink" href="/logs?…&at=s%3D…">permalink</a></div></details>
 * }</pre>
 *
 * The entry a permalink opened is {@code open}, has the id {@code at-entry} and the class {@code at},
 * and lists its fields ({@link #fields}) after its permalink. Every value is escaped as th:text
 * escapes it.
 */
final class EntryHtml {

    private EntryHtml() {
    }

    /** The entries, in the order given: a page's, or a batch of the live feed's. */
    static String entries(List<LogRow> rows) {
        StringBuilder b = new StringBuilder(rows.size() * 768);
        rows.forEach(r -> entry(b, r));
        return b.toString();
    }

    /** One entry, appended to {@code b}: a page's entries one by one, as they are read. */
    static void entry(StringBuilder b, LogRow r) {
        b.append("<details class=\"entry p").append(r.priority()).append(r.at() ? " at\"" : "\"");
        attr(b, "data-cursor", r.cursor());
        if (r.at()) {
            b.append(" open=\"open\" id=\"at-entry\"");
        }
        b.append("><summary><time");
        attr(b, "datetime", r.iso());
        attr(b, "title", r.utc());
        b.append('>').append(esc(r.local())).append("</time> <span class=\"prio\">").append(esc(r.priorityName()))
                .append("</span> <span class=\"source\">").append(esc(r.source()))
                .append(r.hasMessage() ? "</span> <span class=\"msg\">" : "</span> <span class=\"msg muted\">")
                .append(esc(r.message())).append("</span></summary>\n  <div class=\"fields\">");
        // a listed entry shows its line only: logs.js loads the other fields (/logs/entry) when it is opened
        b.append(r.at() ? fields(r) : permalink(r)).append("</div>\n</details>\n");
    }

    /** The entry's permalink and every field, as the opened entry and /logs/entry show them. */
    static String fields(LogRow r) {
        StringBuilder b = new StringBuilder(permalink(r)).append("\n  <dl>");
        for (LogRow.FieldRow f : r.fields()) {
            b.append("<dt>").append(esc(f.name())).append("</dt><dd>").append(esc(f.value())).append("</dd>");
        }
        return b.append("</dl>").toString();
    }

    private static String permalink(LogRow r) {
        return "<a class=\"permalink\" href=\"" + esc(r.permalink()) + "\">permalink</a>";
    }

    private static void attr(StringBuilder b, String name, String value) {
        b.append(' ').append(name).append("=\"").append(esc(value)).append('"');
    }

    private static String esc(String s) {
        return HtmlEscape.escapeHtml4Xml(s);
    }
}
