package io.hostdeck.web;

import org.springframework.stereotype.Component;

/** Number formatting for templates, as {@code @units}: sizes the way systemctl status prints them. */
@Component("units")
public class Units {

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
