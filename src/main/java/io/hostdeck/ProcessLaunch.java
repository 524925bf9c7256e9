package io.hostdeck;

import java.util.Locale;

/**
 * How this JVM starts processes (journalctl for every log page, nsenter, openssl): by vfork and
 * exec, where the JDK supports that mechanism without deprecating it, instead of JDK 17's default
 * on Linux, posix_spawn of {@code jspawnhelper}, which then execs the program: two execs a process.
 * On this project's machines the second exec is most of the JVM's part of a spawn: starting
 * {@code /bin/true} and waiting for it took 2.6 ms by posix_spawn and 1.2 ms by vfork (fork: 3.3 ms),
 * and a log page's journalctl started 1.4 ms sooner (docs/benchmarks.md, JournalBench, third pass).
 *
 * <p>Where: Linux, a JDK below 25 (vfork was Linux's default up to JDK 11; JDK 25 deprecates it, JDK
 * 26 removes it, so from 25 on the JDK's default stands), and only when
 * {@code jdk.lang.Process.launchMechanism} is not set: an operator's {@code -D} wins. What a child
 * sees is the same either way (JDK 17.0.15, checked): the same descriptors closed, the same
 * environment and directory, the same blocked signals (SIGQUIT, as the JVM's threads have it); with
 * vfork it inherits no ignored signals, where jspawnhelper left two of glibc's real-time ones ignored.
 *
 * <p>The JDK reads the property once, at the first process start: {@link #apply()} must come
 * before any (the first line of {@link HostdeckApplication#main}; the benches call it first too).
 */
public final class ProcessLaunch {

    static final String PROPERTY = "jdk.lang.Process.launchMechanism";

    private ProcessLaunch() {
    }

    /** Sets the mechanism {@link #chosen} picks for this JVM, if any; returns the one in force (null: the JDK's default). */
    public static String apply() {
        String mechanism = chosen(System.getProperty(PROPERTY), Runtime.version().feature(),
                System.getProperty("os.name", ""));
        if (mechanism != null) {
            System.setProperty(PROPERTY, mechanism);
        }
        return System.getProperty(PROPERTY);
    }

    /** VFORK on Linux below JDK 25 when nothing is set; null (leave it) otherwise. */
    static String chosen(String set, int jdkFeature, String os) {
        if (set != null || jdkFeature >= 25 || !os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        return "VFORK";
    }
}
