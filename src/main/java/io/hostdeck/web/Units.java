package io.hostdeck.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.springframework.stereotype.Component;

/** Formatting for templates, as {@code @units}: sizes as systemctl status prints them, times in the host's zone. */
@Component("units")
public class Units {

    private static final DateTimeFormatter TODAY = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter EARLIER = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** The target host's zone (its /etc/localtime), known once the bean is made; the JVM's before. */
    private static volatile ZoneId hostZone = ZoneId.systemDefault();

    public Units(io.hostdeck.host.journal.Journal journal) {
        hostZone = journal.zone();
    }

    /** A moment in the host's time zone: the time alone for today, the date too before that. */
    public static String time(Instant when) {
        ZonedDateTime t = when.atZone(hostZone);
        return t.toLocalDate().equals(LocalDate.now(hostZone)) ? TODAY.format(t) : EARLIER.format(t);
    }

    /** The host's time zone, for what reads or writes times as its clock shows them. */
    public static ZoneId hostZone() {
        return hostZone;
    }

    /** A moment as {@link #stamp(Instant)}, from a legacy Date (Spring Security's session times). */
    public String stamp(java.util.Date when) {
        return when == null ? "—" : stamp(when.toInstant());
    }

    /** The host's time zone's name (Europe/Berlin), for pages and charts that show times. */
    public String zone() {
        return hostZone.getId();
    }

    /** The host's time zone, for code that reads or shows times as the host's clock does. */
    public ZoneId zoneId() {
        return hostZone;
    }

    /** A moment as ISO date and 24 h time to the second in the host's zone, no fractions: 2026-12-01 21:04:05. */
    public String stamp(Instant when) {
        return when == null ? "—" : STAMP.format(when.atZone(hostZone));
    }

    /** A count with its noun, singular for one: "1 container", "3 containers". */
    public String count(long n, String noun) {
        return n + " " + (n == 1 ? noun : noun + "s");
    }

    /** A client address as people write it: IPv6 in its short form (::1, not 0:0:0:0:0:0:0:1). */
    public String address(String address) {
        return shortAddress(address);
    }

    static String shortAddress(String address) {
        if (address == null || address.indexOf(':') < 0 || !address.matches("[0-9a-fA-F:]+")) {
            return address == null ? "—" : address;
        }
        String[] groups = address.split(":", -1);
        if (groups.length != 8) {
            return address;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j].matches("0+")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            out.append(groups[i].replaceFirst("^0+(?=.)", "").toLowerCase(java.util.Locale.ROOT));
            if (i < 7) {
                out.append(':');
            }
        }
        return out.toString();
    }

    public String at(Instant when) {
        return when == null ? "—" : time(when);
    }

    public String bytes(long b) {
        if (b < 1024) {
            return b + "B";
        }
        String suffixes = "KMGTPE";
        double v = b;
        int i = -1;
        while (v >= 1024 && i < suffixes.length() - 1) {
            v /= 1024;
            i++;
        }
        return (v >= 100 ? String.format("%.0f", v) : String.format("%.1f", v)) + suffixes.charAt(i);
    }
}
