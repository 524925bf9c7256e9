package io.hostdeck.bench;

import static io.hostdeck.bench.Figures.median;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.runtime.ContainerRuntimes;
import io.hostdeck.host.runtime.RuntimeContainer;
import io.hostdeck.testbed.Podman;
import io.hostdeck.testbed.Testbed;

/**
 * How long Hostdeck takes to read a runtime's containers, with N podman containers in a testbed
 * (Podman's Docker-compatible API on its socket, as the containers list, the live channel and
 * /metrics read it once per call): {@link ContainerRuntimes#view()}, one list call, beside what it
 * did before (the list, then one inspect per container, N+1 calls), and beside the peers in the
 * same run: {@code curl} of the same list call on the same socket, and {@code podman ps -a}.
 * <p>
 * Arguments: N containers (default 20), K measured rounds (default 30), W warm-up rounds (default 5).
 */
public final class RuntimeListBench {

    private static final String NAME = "rlbench";
    private static final Duration T = Duration.ofSeconds(120);

    private RuntimeListBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Testbed.teardown(NAME);
        try (Testbed tb = Testbed.boot(NAME)) {
            Podman podman = Podman.install(tb);
            for (int i = 0; i < n; i++) {
                podman.run("rlb" + i, List.of(), "/bin/sleep", Integer.toString(200_000 + i));
            }
            ContainerRuntimes runtimes = new ContainerRuntimes(new HostProperties(tb.root().toString(), ""));
            String socket = tb.root() + podman.socket();
            List<Double> list = new ArrayList<>();
            List<Double> inspectEach = new ArrayList<>();
            List<Double> curl = new ArrayList<>();
            List<Double> ps = new ArrayList<>();
            int seen = 0;
            for (int i = 0; i < warmup + k; i++) {
                long t0 = System.nanoTime();
                List<RuntimeContainer> all = runtimes.view().containers();
                long t1 = System.nanoTime();
                for (RuntimeContainer c : runtimes.view().containers()) {
                    runtimes.inspected(c);
                }
                long t2 = System.nanoTime();
                Testbed.Result r = Testbed.runOnHost(T, "curl", "-sf", "--unix-socket", socket, "http://d/containers/json?all=true");
                long t3 = System.nanoTime();
                Testbed.Result p = tb.exec(T, "podman", "ps", "-a", "--format", "json");
                long t4 = System.nanoTime();
                if (r.exitCode() != 0 || p.exitCode() != 0) {
                    throw new IllegalStateException("curl exit " + r.exitCode() + ", podman ps exit " + p.exitCode() + ": "
                            + r.stderr() + p.stderr());
                }
                seen = all.size();
                if (i >= warmup) {
                    list.add((t1 - t0) / 1e6);
                    inspectEach.add((t2 - t1) / 1e6);
                    curl.add((t3 - t2) / 1e6);
                    ps.add((t4 - t3) / 1e6);
                }
            }
            if (seen < n) {
                throw new IllegalStateException("the list held " + seen + " containers, not " + n);
            }
            List<Double> before = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                before.add(list.get(i) + inspectEach.get(i));
            }
            System.out.printf(Locale.ROOT, "%s, %d CPUs, %s; N=%d containers, K=%d, W=%d%n", Figures.cpuModel(),
                    Runtime.getRuntime().availableProcessors(), Figures.osName(), n, k, warmup);
            System.out.println("| reading podman's containers, ms | median | p95 | min | max |");
            System.out.println("| --- | --- | --- | --- | --- |");
            Figures.line("Hostdeck now: ContainerRuntimes.view(), one list call", list);
            Figures.line("Hostdeck before: the list, then one inspect per container (N+1 calls)", before);
            Figures.line("peer: curl --unix-socket … /containers/json?all=true", curl);
            Figures.line("peer: podman ps -a --format json (in the testbed, through nsenter)", ps);
            System.out.printf(Locale.ROOT, "before / now: %.1fx; now / curl: %.1fx%n", median(before) / median(list),
                    median(list) / median(curl));
        }
    }
}
