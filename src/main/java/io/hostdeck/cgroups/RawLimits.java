package io.hostdeck.cgroups;

import java.util.Map;

import io.hostdeck.error.InvalidInputException;

/**
 * The raw-limits form of a cgroup: memory (bytes with K/M/G/T or "max"), CPU weight (1..10000),
 * CPU quota (a percentage of one CPU or "max", over a 100 ms period) and tasks (a count or "max").
 * Empty fields are left as they are.
 */
record RawLimits(boolean memorySet, Long memoryMax, Long cpuWeight, boolean cpuQuotaSet, Long cpuQuotaUsec,
        boolean pidsSet, Long pidsMax) {

    static final long PERIOD_USEC = 100_000;

    static RawLimits parse(Map<String, String> form) {
        String mem = value(form, "memory");
        String weight = value(form, "cpuWeight");
        String quota = value(form, "cpuQuota");
        String pids = value(form, "pids");
        if (mem.isEmpty() && weight.isEmpty() && quota.isEmpty() && pids.isEmpty()) {
            throw new InvalidInputException("limits", "no limit given: fill at least one field");
        }
        return new RawLimits(!mem.isEmpty(), mem.isEmpty() || mem.equals("max") ? null : bytes(mem),
                weight.isEmpty() ? null : range("cpuWeight", weight, 1, 10_000),
                !quota.isEmpty(), quota.isEmpty() || quota.equals("max") ? null : quota(quota),
                !pids.isEmpty(), pids.isEmpty() || pids.equals("max") ? null : range("pids", pids, 1, 4_194_304));
    }

    void describe(Map<String, String> args) {
        if (memorySet) {
            args.put("memory", memoryMax == null ? "max" : Long.toString(memoryMax));
        }
        if (cpuWeight != null) {
            args.put("cpuWeight", Long.toString(cpuWeight));
        }
        if (cpuQuotaSet) {
            args.put("cpuQuota", cpuQuotaUsec == null ? "max" : cpuQuotaUsec + "/" + PERIOD_USEC);
        }
        if (pidsSet) {
            args.put("pids", pidsMax == null ? "max" : Long.toString(pidsMax));
        }
    }

    private static String value(Map<String, String> form, String field) {
        String raw = form.getOrDefault(field, "");
        // checked before trimming: a trailing newline is refused, not silently dropped
        if (raw != null && raw.codePoints().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidInputException(field, "contains a control character");
        }
        String v = raw == null ? "" : raw.strip();
        if (v.length() > 24 || v.codePoints().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new InvalidInputException(field, "'" + (v.length() > 24 ? v.substring(0, 24) + "…" : v)
                    .replaceAll("\\p{Cntrl}", "?") + "' is not a value");
        }
        return v;
    }

    private static long bytes(String v) {
        if (!v.matches("\\d{1,15}[KMGT]?")) {
            throw new InvalidInputException("memory", "'" + v + "' is not a size: bytes with K, M, G or T (1024-based), or max");
        }
        char last = v.charAt(v.length() - 1);
        int shift = switch (last) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        long n = Long.parseLong(shift == 0 ? v : v.substring(0, v.length() - 1));
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new InvalidInputException("memory", "'" + v + "' is too large; use max");
        }
        long b = n << shift;
        if (b < (1L << 20)) {
            throw new InvalidInputException("memory", "'" + v + "' is below 1M, which would starve the cgroup");
        }
        return b;
    }

    private static long quota(String v) {
        if (!v.matches("\\d{1,6}%")) {
            throw new InvalidInputException("cpuQuota", "'" + v + "' is not a percentage such as 30%, or max");
        }
        long pct = Long.parseLong(v.substring(0, v.length() - 1));
        if (pct < 1 || pct > 100_000) {
            throw new InvalidInputException("cpuQuota", "'" + v + "' is outside 1%..100000%");
        }
        return pct * PERIOD_USEC / 100;
    }

    private static long range(String field, String v, long min, long max) {
        if (!v.matches("\\d{1,12}")) {
            throw new InvalidInputException(field, "'" + v + "' is not a whole number" + ("pids".equals(field) ? ", or max" : ""));
        }
        long n = Long.parseLong(v);
        if (n < min || n > max) {
            throw new InvalidInputException(field, n + " is outside " + min + ".." + max);
        }
        return n;
    }
}
