package io.hostdeck.cgroups;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark, not a test (issue 17): what N cgroups' histories hold after a whole day, which the
 * whole-process bench cannot wait for. The sampler's own {@link History} on its shared clock, fed
 * a day of ticks: every cgroup idle (0 % CPU, its memory unchanged) except ~10 % that work at any
 * time, a set that changes every 10 s (so that over a day every cgroup has worked now and then,
 * which is the worst case for the chunks). Prints the histories' own count of bytes and the heap
 * used after a GC. In package {@code io.hostdeck.cgroups} for History's package-private clock.
 *
 * <pre>
 * ./mvnw -q test-compile &amp;&amp; ./mvnw -q exec:java -Dexec.mainClass=io.hostdeck.cgroups.HistoryFootprintBench \
 *     -Dexec.classpathScope=test -Dexec.args="1000 24"
 * </pre>
 */
public final class HistoryFootprintBench {

    private HistoryFootprintBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int hours = args.length > 1 ? Integer.parseInt(args[1]) : 24;
        int fine = 900;
        long before = heapAfterGc();
        History.Clock clock = new History.Clock(fine, History.DAY_POINTS, 60);
        History[] histories = new History[n];
        for (int i = 0; i < n; i++) {
            histories[i] = new History(clock, fine, History.DAY_POINTS);
        }
        Random random = new Random(17);
        boolean[] active = new boolean[n];
        long[] memory = new long[n];
        for (int i = 0; i < n; i++) {
            memory[i] = 1_000_000L + random.nextInt(50_000_000);
        }
        long t0 = System.nanoTime();
        int ticks = hours * 3600;
        for (int t = 0; t < ticks; t++) {
            if (t % 10 == 0) {
                for (int i = 0; i < n; i++) {
                    active[i] = random.nextInt(10) == 0;
                }
            }
            clock.advance(1_700_000_000_000L + t * 1000L);
            for (int i = 0; i < n; i++) {
                CgroupRates r;
                if (active[i]) {
                    memory[i] += random.nextInt(8192) - 4096;
                    r = new CgroupRates("/x", random.nextInt(500) / 10.0, memory[i], null, 0.0,
                            (double) random.nextInt(4096), 2L, null, 0.0, 0L, 0L, null, null, null);
                } else {
                    r = new CgroupRates("/x", 0.0, memory[i], null, 0.0, 0.0, 1L, null, 0.0, 0L, 0L, null, null, null);
                }
                histories[i].add(r);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long counted = 0;
        for (History h : histories) {
            counted += h.bytes();
        }
        long after = heapAfterGc();
        System.out.printf(Locale.ROOT, "%d cgroups, %d h of ticks (%.1f s to feed, %.0f ns a point): histories count %.1f MB "
                + "(%.1f KB a cgroup; at most %.1f MB); heap after GC grew by %.1f MB%n", n, hours, seconds,
                seconds * 1e9 / ((double) ticks * n), counted / 1e6, counted / 1e3 / n,
                n * History.bytesBound(fine, History.DAY_POINTS) / 1e6, (after - before) / 1e6);
        java.lang.ref.Reference.reachabilityFence(histories); // measured above while still in use
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
