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

    /** A moment in the host's time zone: the time alone for today, the date too before that. */
    public static String time(Instant when) {
        ZonedDateTime t = when.atZone(ZoneId.systemDefault());
        return t.toLocalDate().equals(LocalDate.now(ZoneId.systemDefault())) ? TODAY.format(t) : EARLIER.format(t);
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
