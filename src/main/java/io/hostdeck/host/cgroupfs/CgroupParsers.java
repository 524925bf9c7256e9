package io.hostdeck.host.cgroupfs;

import java.nio.charset.StandardCharsets;

import io.hostdeck.host.cgroupfs.CgroupSample.Pressure;

/**
 * Pure parsers for the cgroup files Hostdeck samples, over the bytes of one read ({@code b[0..len)}),
 * so the sampler's hot path allocates nothing but its results: no regex, no split, no String per
 * line. A value the text does not hold is {@link #NONE}; so is "max" and any other spelling of
 * "no limit", which the caller turns into {@code null}.
 */
final class CgroupParsers {

    /** No such value, or no limit. */
    static final long NONE = Long.MIN_VALUE;
    /**
     * v1 spells "no limit" as a huge number rounded down to the page size (9223372036854771712 with
     * 4 KiB pages); nothing at or above 2^62 bytes is a real limit.
     */
    static final long UNLIMITED_FROM = 1L << 62;

    private static final byte[] SOME = ascii("some ");
    private static final byte[] FULL = ascii("full ");
    private static final byte[] AVG10 = ascii("avg10=");
    private static final byte[] TOTAL = ascii("total=");
    private static final byte[] RBYTES = ascii("rbytes=");
    private static final byte[] WBYTES = ascii("wbytes=");
    private static final byte[] READ = ascii("Read");
    private static final byte[] WRITE = ascii("Write");

    private CgroupParsers() {
    }

    /** The keys of a flat keyed file, as bytes, made once. */
    static byte[][] keys(String... names) {
        byte[][] keys = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            keys[i] = ascii(names[i]);
        }
        return keys;
    }

    /**
     * A flat keyed file, one "key value" a line ({@code cpu.stat}, {@code memory.stat},
     * {@code memory.events}, {@code cpuacct.stat}, {@code memory.oom_control}): {@code out[i]} becomes
     * the value of {@code keys[i]}, or {@link #NONE} when the file has no such line.
     */
    static void keyed(byte[] b, int len, byte[][] keys, long[] out) {
        for (int i = 0; i < keys.length; i++) {
            out[i] = NONE;
        }
        int missing = keys.length;
        int line = 0;
        while (line < len && missing > 0) {
            for (int i = 0; i < keys.length; i++) {
                byte[] key = keys[i];
                int after = line + key.length;
                if (after < len && b[after] == ' ' && out[i] == NONE && regionEquals(b, line, after, key)) {
                    int end = lineEnd(b, after, len);
                    out[i] = parseLong(b, after + 1, end);
                    if (out[i] != NONE) {
                        missing--;
                    }
                    line = end;
                    break;
                }
            }
            line = lineEnd(b, line, len) + 1;
        }
    }

    /** A file holding one number ({@code memory.current}, {@code pids.current}); "max" and anything else is {@link #NONE}. */
    static long number(byte[] b, int len) {
        return parseLong(b, 0, len);
    }

    /**
     * A file holding one limit: "max" (v2), a negative number (v1's -1 in {@code cpu.cfs_quota_us}) or
     * v1's huge "unlimited" ({@code memory.limit_in_bytes}, at or above 2^62) all mean no limit: {@link #NONE}.
     */
    static long limit(byte[] b, int len) {
        long value = parseLong(b, 0, len);
        return value < 0 || value >= UNLIMITED_FROM ? NONE : value;
    }

    /** v2 {@code cpu.max}, "QUOTA PERIOD" or "max PERIOD": {@code out[0]} quota ({@link #NONE} for max), {@code out[1]} period. */
    static void cpuMax(byte[] b, int len, long[] out) {
        int end = lineEnd(b, 0, len);
        int space = indexOf(b, 0, end, (byte) ' ');
        if (space < 0) {
            out[0] = NONE;
            out[1] = NONE;
            return;
        }
        long quota = parseLong(b, 0, space);
        out[0] = quota < 0 ? NONE : quota;
        out[1] = parseLong(b, space + 1, end);
    }

    /**
     * v2 {@code io.stat}, one line a device ("8:0 rbytes=1 wbytes=2 rios=3 ..."): the bytes read and
     * written per device into {@code out} (no rows when the file is empty: no IO yet).
     */
    static void ioStat(byte[] b, int len, DeviceIo out) {
        out.clear();
        int line = 0;
        while (line < len) {
            int end = lineEnd(b, line, len);
            int space = indexOf(b, line, end, (byte) ' ');
            int colon = space < 0 ? -1 : indexOf(b, line, space, (byte) ':');
            if (colon > line) {
                long read = 0;
                long written = 0;
                int token = space + 1;
                while (token < end) {
                    int next = indexOf(b, token, end, (byte) ' ');
                    int tokenEnd = next < 0 ? end : next;
                    if (startsWith(b, token, tokenEnd, RBYTES)) {
                        read = add(read, parseLong(b, token + RBYTES.length, tokenEnd));
                    } else if (startsWith(b, token, tokenEnd, WBYTES)) {
                        written = add(written, parseLong(b, token + WBYTES.length, tokenEnd));
                    }
                    token = tokenEnd + 1;
                }
                device(b, line, colon, space, read, written, out);
            }
            line = end + 1;
        }
    }

    /**
     * v1 {@code blkio.throttle.io_service_bytes(_recursive)}, "8:0 Read 123" lines per device and
     * operation, then a last "Total N": the Read and Write bytes per device into {@code out}; the
     * Sync, Async, Discard and Total lines are left out.
     */
    static void blkioServiceBytes(byte[] b, int len, DeviceIo out) {
        out.clear();
        int line = 0;
        while (line < len) {
            int end = lineEnd(b, line, len);
            int first = indexOf(b, line, end, (byte) ' ');
            int colon = first < 0 ? -1 : indexOf(b, line, first, (byte) ':');
            if (colon > line) {
                int second = indexOf(b, first + 1, end, (byte) ' ');
                if (second > first + 1) {
                    if (regionEquals(b, first + 1, second, READ)) {
                        device(b, line, colon, first, add(0, parseLong(b, second + 1, end)), 0, out);
                    } else if (regionEquals(b, first + 1, second, WRITE)) {
                        device(b, line, colon, first, 0, add(0, parseLong(b, second + 1, end)), out);
                    }
                }
            }
            line = end + 1;
        }
    }

    /** The device number "major:minor" at {@code b[from..to)}, colon at {@code colon}; a malformed one is skipped. */
    private static void device(byte[] b, int from, int colon, int to, long read, long written, DeviceIo out) {
        long major = parseLong(b, from, colon);
        long minor = parseLong(b, colon + 1, to);
        if (major >= 0 && minor >= 0) {
            out.add(major, minor, read, written);
        }
    }

    /**
     * A PSI file ({@code cpu.pressure}, {@code memory.pressure}, {@code io.pressure}):
     * "some avg10=0.12 avg60=… avg300=… total=N" and, except for cpu before 5.13, a "full …" line.
     * Null when there is no "some" line.
     */
    static Pressure pressure(byte[] b, int len) {
        double someAvg10 = Double.NaN;
        long someTotal = NONE;
        double fullAvg10 = Double.NaN;
        long fullTotal = NONE;
        int line = 0;
        while (line < len) {
            int end = lineEnd(b, line, len);
            boolean some = startsWith(b, line, end, SOME);
            if (some || startsWith(b, line, end, FULL)) {
                double avg10 = Double.NaN;
                long total = NONE;
                int token = line + SOME.length; // "full " is as long
                while (token < end) {
                    int next = indexOf(b, token, end, (byte) ' ');
                    int tokenEnd = next < 0 ? end : next;
                    if (startsWith(b, token, tokenEnd, AVG10)) {
                        avg10 = parseDecimal(b, token + AVG10.length, tokenEnd);
                    } else if (startsWith(b, token, tokenEnd, TOTAL)) {
                        total = parseLong(b, token + TOTAL.length, tokenEnd);
                    }
                    token = tokenEnd + 1;
                }
                if (some) {
                    someAvg10 = avg10;
                    someTotal = total;
                } else {
                    fullAvg10 = avg10;
                    fullTotal = total;
                }
            }
            line = end + 1;
        }
        if (Double.isNaN(someAvg10) || someTotal == NONE) {
            return null;
        }
        boolean hasFull = !Double.isNaN(fullAvg10) && fullTotal != NONE;
        return new Pressure(someAvg10, hasFull ? fullAvg10 : null, someTotal, hasFull ? fullTotal : null);
    }

    /**
     * The decimal number at {@code b[from..to)} after optional blanks, an optional '-' and its digits
     * (a u64 past Long.MAX_VALUE saturates there); {@link #NONE} when there are no digits ("max").
     */
    static long parseLong(byte[] b, int from, int to) {
        int i = from;
        while (i < to && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        boolean negative = i < to && b[i] == '-';
        if (negative) {
            i++;
        }
        int start = i;
        long value = 0;
        while (i < to && b[i] >= '0' && b[i] <= '9') {
            int digit = b[i] - '0';
            value = value > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : value * 10 + digit;
            i++;
        }
        if (i == start) {
            return NONE; // "max", empty, or not a number
        }
        return negative ? -value : value;
    }

    /** A non-negative decimal such as PSI's "43.09"; NaN when there are no digits. */
    static double parseDecimal(byte[] b, int from, int to) {
        long whole = 0;
        long fraction = 0;
        long scale = 1;
        int i = from;
        int digits = 0;
        while (i < to && b[i] >= '0' && b[i] <= '9') {
            whole = whole * 10 + (b[i++] - '0');
            digits++;
        }
        if (i < to && b[i] == '.') {
            i++;
            while (i < to && b[i] >= '0' && b[i] <= '9' && scale < 1_000_000_000L) {
                fraction = fraction * 10 + (b[i++] - '0');
                scale *= 10;
                digits++;
            }
        }
        return digits == 0 ? Double.NaN : whole + (double) fraction / scale;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static long add(long sum, long value) {
        return value == NONE ? sum : sum + value;
    }

    private static int lineEnd(byte[] b, int from, int len) {
        int i = indexOf(b, from, len, (byte) '\n');
        return i < 0 ? len : i;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionEquals(byte[] b, int from, int to, byte[] word) {
        if (to - from != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (b[from + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
        return to - from >= prefix.length && regionEquals(b, from, from + prefix.length, prefix);
    }
}
