package io.hostdeck.bench;

import static io.hostdeck.bench.Figures.median;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.sandbox.SandboxRuntime;
import io.hostdeck.testbed.Testbed;

/**
 * How long a sandbox launch takes, from asking systemd to the command running in its namespaces,
 * beside the same namespaces made by util-linux's {@code unshare} in a transient unit, in the same
 * run on a testbed. Hostdeck's side is the exact command line Hostdeck sends
 * ({@link SandboxRuntime}) with its script as the unit's standard input ({@code StandardInput=data}),
 * as a {@code Type=forking} unit whose start job ends when the launcher has started the command and exited (also with a user namespace, a row of its own); the peer is
 * {@code systemd-run -p Type=exec unshare ...}, whose job ends when unshare has been exec'd. Both are measured around {@code systemd-run}.
 * <p>
 * Arguments: K measured rounds (default 15), W warm-up rounds (default 3).
 */
public final class SandboxLaunchBench {

    private static final String NAME = "sbench";
    private static final Duration T = Duration.ofSeconds(60);

    private SandboxLaunchBench() {
    }

    public static void main(String[] args) {
        int k = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Testbed.teardown(NAME);
        try (Testbed tb = Testbed.boot(NAME)) {
            SandboxRuntime runtime = new SandboxRuntime(new HostProperties(tb.root().toString(), ""));
            SandboxRuntime.Launch launcher = runtime.command(new SandboxRuntime.Request(List.of("pid", "net", "mnt", "uts", "ipc"),
                    "bench", null, List.of("sleep", "600")));
            SandboxRuntime.Launch withUser = runtime.command(new SandboxRuntime.Request(
                    List.of("pid", "net", "mnt", "uts", "ipc", "user"), "bench", new long[] {0, 100000, 65536},
                    List.of("sleep", "600")));
            List<Double> hostdeck = new ArrayList<>();
            List<Double> user = new ArrayList<>();
            List<Double> unshare = new ArrayList<>();
            for (int i = 0; i < warmup + k; i++) {
                double h = launch(tb, "hd-sbench-h" + i, "forking", launcher);
                double u = launch(tb, "hd-sbench-u" + i, "exec", new SandboxRuntime.Launch(List.of("/usr/bin/unshare",
                        "--pid", "--net", "--mount", "--uts", "--ipc", "--fork", "--", "sleep", "600"), new byte[0]));
                double w = launch(tb, "hd-sbench-w" + i, "forking", withUser);
                if (i >= warmup) {
                    hostdeck.add(h);
                    unshare.add(u);
                    user.add(w);
                }
                tb.exec(T, "systemctl", "stop", "hd-sbench-h" + i, "hd-sbench-u" + i, "hd-sbench-w" + i);
            }
            System.out.printf(Locale.ROOT, "%s, %d CPUs, %s; K=%d, W=%d%n", Figures.cpuModel(),
                    Runtime.getRuntime().availableProcessors(), Figures.osName(), k, warmup);
            System.out.println("| launch, ms (systemd-run to the command running) | median | p95 | min | max |");
            System.out.println("| --- | --- | --- | --- | --- |");
            Figures.line("Hostdeck: pid,net,mnt,uts,ipc + hostname, Type=forking", hostdeck);
            Figures.line("Hostdeck: the same + user namespace 0 100000 65536", user);
            Figures.line("peer: systemd-run -p Type=exec unshare", unshare);
            System.out.printf(Locale.ROOT, "Hostdeck / peer: %.1fx; with a user namespace %.1fx%n",
                    median(hostdeck) / median(unshare), median(user) / median(unshare));
        }
    }

    private static double launch(Testbed tb, String unit, String type, SandboxRuntime.Launch launch) {
        List<String> cmd = new ArrayList<>(List.of("systemd-run", "--quiet", "--unit=" + unit, "-p", "Type=" + type,
                "-p", "TimeoutStopSec=1", "-p", "CollectMode=inactive-or-failed"));
        if (launch.standardInput().length > 0) {
            cmd.addAll(List.of("-p", "StandardInput=data", "-p",
                    "StandardInputData=" + Base64.getEncoder().encodeToString(launch.standardInput())));
        }
        cmd.addAll(launch.argv());
        long t0 = System.nanoTime();
        Testbed.Result r = tb.exec(T, cmd.toArray(String[]::new));
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.exitCode() != 0) {
            throw new IllegalStateException(unit + ": " + r.stderr());
        }
        return ms;
    }
}
