package io.hostdeck.services;

import java.util.LinkedHashMap;
import java.util.Map;

import io.hostdeck.host.systemd.Limits;

/** A unit's limits written back in systemd's syntax, as the limits form shows them. */
final class LimitsView {

    private LimitsView() {
    }

    static Map<String, String> of(Limits l) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("MemoryMax", bytes(l.memoryMax()));
        v.put("MemoryHigh", bytes(l.memoryHigh()));
        v.put("CPUQuota", l.cpuQuotaPerSecUSec() == null ? "" : trim(l.cpuQuotaPerSecUSec() / 10_000.0) + "%");
        v.put("CPUWeight", l.cpuWeight() == null ? "" : l.cpuWeight().toString());
        v.put("TasksMax", l.tasksMax() == null ? "" : l.tasksMax().toString());
        v.put("IOWeight", l.ioWeight() == null ? "" : l.ioWeight().toString());
        return v;
    }

    /** Bytes with the largest 1024-based suffix that keeps them whole, as systemctl show prints them. */
    static String bytes(Long b) {
        if (b == null) {
            return "";
        }
        String suffixes = "KMGTPE";
        long value = b;
        int i = -1;
        while (value != 0 && value % 1024 == 0 && i < suffixes.length() - 1) {
            value /= 1024;
            i++;
        }
        return i < 0 ? Long.toString(value) : value + String.valueOf(suffixes.charAt(i));
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
