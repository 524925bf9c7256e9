package io.hostdeck.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the bench mains print: medians, p95 and the machine they ran on. */
final class Figures {

    private Figures() {
    }

    static double median(List<Double> xs) {
        List<Double> s = sorted(xs);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }

    /** Nearest rank: the smallest value with at least 95 % of the samples at or below it. */
    static double p95(List<Double> xs) {
        List<Double> s = sorted(xs);
        return s.get((int) Math.ceil(0.95 * s.size()) - 1);
    }

    static List<Double> sorted(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s;
    }

    static void line(String what, List<Double> xs) {
        List<Double> s = sorted(xs);
        System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f |%n", what, median(xs), p95(xs), s.get(0),
                s.get(s.size() - 1));
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    static String osName() {
        try {
            return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                    .map(l -> l.substring(l.indexOf('=') + 1).replace("\"", "")).findFirst()
                    .orElse(System.getProperty("os.name"));
        } catch (IOException e) {
            return System.getProperty("os.name");
        }
    }
}
