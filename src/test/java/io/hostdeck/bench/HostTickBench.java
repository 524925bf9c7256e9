package io.hostdeck.bench;

import static io.hostdeck.bench.Figures.cpuModel;
import static io.hostdeck.bench.Figures.line;
import static io.hostdeck.bench.Figures.osName;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.hostdeck.cgroups.CgroupSampler;
import io.hostdeck.host.HostProperties;
import io.hostdeck.host.cgroupfs.CgroupReader;
import io.hostdeck.host.procfs.ProcFs;
import io.hostdeck.live.LiveHub;
import io.hostdeck.system.HostSampler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Benchmark, not a test: what the home page's host figures cost at each tick ({@code HostSampler}'s
 * tick: /proc/stat, meminfo, loadavg, uptime, diskstats, PID 1's net/dev, a statvfs per disk file
 * system, the rates and the histories), against this machine's own /proc, beside the cheapest peer
 * that reads the same six files: one {@code cat} of them, as a tool run at each tick would.
 *
 * <pre>
 * flock /tmp/hostdeck-maven.lock sh -c './mvnw -q test-compile &amp;&amp; ./mvnw -q exec:java \
 *     -Dexec.mainClass=io.hostdeck.bench.HostTickBench -Dexec.classpathScope=test -Dexec.args="600 300"'
 * </pre>
 *
 * Arguments: K measured ticks (default 600), C cat runs (default 300). Ticks run every 100 ms after
 * 200 warm-up ticks; each tick's CPU time is the bench thread's. cat's CPU time is this process's
 * children's (utime + stime of /proc/self/stat, in clock ticks of 10 ms, so a mean over C runs).
 * Production code is not changed: the package-private constructors are called by reflection.
 */
public final class HostTickBench {

    private HostTickBench() {
    }

    public static void main(String[] args) throws Exception {
        int k = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int catRuns = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        ProcFs procFs = new ProcFs(new HostProperties("/", null));
        Constructor<CgroupSampler> cs = CgroupSampler.class.getDeclaredConstructor(CgroupReader.class, Duration.class, int.class);
        cs.setAccessible(true);
        CgroupSampler cgroups = cs.newInstance(new CgroupReader(new HostProperties("/", null)), Duration.ofSeconds(1), 10);
        Constructor<LiveHub> lh = LiveHub.class.getDeclaredConstructor(JsonMapper.class);
        lh.setAccessible(true);
        LiveHub hub = lh.newInstance(JsonMapper.builder().build());
        Constructor<HostSampler> hs = HostSampler.class.getDeclaredConstructor(ProcFs.class, CgroupSampler.class, LiveHub.class);
        hs.setAccessible(true);
        HostSampler host = hs.newInstance(procFs, cgroups, hub);
        Method tick = HostSampler.class.getDeclaredMethod("tick");
        tick.setAccessible(true);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        for (int i = 0; i < 200; i++) {
            tick.invoke(host);
            Thread.sleep(100);
        }
        List<Double> cpuMs = new ArrayList<>();
        List<Double> wallMs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            tick.invoke(host);
            wallMs.add((System.nanoTime() - w0) / 1e6);
            cpuMs.add((threads.getCurrentThreadCpuTime() - c0) / 1e6);
            Thread.sleep(100);
        }
        var now = host.latest().orElseThrow();

        // where a tick's time goes: each read alone, the same number of times, at the same pace
        var probes = procFs.fileSystemProbes();
        java.util.Map<String, Runnable> parts = new java.util.LinkedHashMap<>();
        parts.put("  /proc/stat (each CPU)", procFs::cpuStat);
        parts.put("  /proc/meminfo", procFs::memory);
        parts.put("  /proc/loadavg and /proc/uptime", () -> {
            procFs.loadAverage();
            procFs.uptimeSeconds();
        });
        parts.put("  /proc/diskstats", procFs::diskIo);
        parts.put("  /proc/1/net/dev", () -> procFs.netDev(1));
        parts.put("  statvfs of each file system", () -> probes.forEach(ProcFs.FileSystemProbe::read));
        java.util.Map<String, List<Double>> partMs = new java.util.LinkedHashMap<>();
        parts.keySet().forEach(p -> partMs.put(p, new ArrayList<>()));
        for (int i = 0; i < k / 2; i++) {
            for (var part : parts.entrySet()) {
                long c0 = threads.getCurrentThreadCpuTime();
                part.getValue().run();
                partMs.get(part.getKey()).add((threads.getCurrentThreadCpuTime() - c0) / 1e6);
            }
            Thread.sleep(100);
        }

        List<Double> catWallMs = new ArrayList<>();
        long[] before = childrenTicks();
        for (int i = 0; i < catRuns; i++) {
            long w0 = System.nanoTime();
            Process p = new ProcessBuilder("cat", "/proc/stat", "/proc/meminfo", "/proc/loadavg", "/proc/uptime",
                    "/proc/diskstats", "/proc/1/net/dev").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("cat failed");
            }
            catWallMs.add((System.nanoTime() - w0) / 1e6);
        }
        long[] after = childrenTicks();
        double catCpuMs = (after[0] - before[0] + after[1] - before[1]) * 10.0 / catRuns;

        System.out.printf(Locale.ROOT, "%s, %d CPUs, %s; %d cores, %d interfaces, %d disk file systems, disks %s%n",
                cpuModel(), Runtime.getRuntime().availableProcessors(), osName(), now.cores().size(),
                now.interfaces().size(), now.fileSystems().size(), now.disks());
        System.out.println("| what | median ms | p95 ms | min | max |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        line("host tick, CPU (" + k + " ticks)", cpuMs);
        line("host tick, wall", wallMs);
        partMs.forEach((what, xs) -> line(what + ", CPU (" + xs.size() + " reads)", xs));
        line("cat of the same 6 files, wall (" + catRuns + " runs)", catWallMs);
        System.out.printf(Locale.ROOT, "cat of the same 6 files, CPU: %.2f ms a run (mean of %d)%n", catCpuMs, catRuns);
        System.out.printf(Locale.ROOT, "host tick's CPU at a 1 s tick: %.3f %% of one core (median)%n",
                Figures.median(cpuMs) / 10.0);
        System.out.printf(Locale.ROOT, "host history: %d bytes; load average at the end: %s%n", host.historyBytes(),
                Files.readString(Path.of("/proc/loadavg")).strip());
    }

    /** This process's children's user and system CPU time, in clock ticks (/proc/self/stat, fields 16 and 17). */
    private static long[] childrenTicks() throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": field 3 is f[0]; cutime is field 16, cstime 17
        return new long[] {Long.parseLong(f[13]), Long.parseLong(f[14])};
    }
}
