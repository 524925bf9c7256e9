package io.hostdeck.host.cgroupfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Runs {@link CgroupV2GuestTest} on a real, pure cgroup v2 kernel: boots the qemu guest of
 * src/test/v2guest (built once, cached outside the checkout, by build-guest.sh) and runs the JUnit
 * console launcher there on this JVM's own test class path, which lies under the host's /, shared
 * read-only into the guest. Compiled here, only the test JVM runs in the (emulated, slow) guest.
 * Fails, never skips, when anything is missing: qemu, the kernel package, the launcher.
 */
class CgroupV2IT {

    /** Boot (~7 s) + test JVM + the guest tests (~1 min measured), with room for a slow CI machine. */
    private static final Duration TIMEOUT = Duration.ofMinutes(6);
    private static final Duration LOCK_WAIT = Duration.ofSeconds(90);
    private static final Pattern SUCCESSFUL = Pattern.compile("\\[\\s*(\\d+) tests successful\\s*]");
    private static final Pattern FAILED = Pattern.compile("\\[\\s*(\\d+) tests failed\\s*]");

    @Test
    void cgroupV2GuestTestPassesInsideTheV2Guest() throws Exception {
        Path project = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        Path script = project.resolve("src/test/v2guest/run-in-v2-guest.sh");
        assertThat(script).isRegularFile();
        String classPath = System.getProperty("java.class.path");
        assertThat(classPath.split(File.pathSeparator))
                .as("the failsafe JVM's class path (also the guest's)")
                .anyMatch(e -> e.endsWith("test-classes"))
                .anyMatch(e -> e.contains("junit-platform-console"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long expected = Arrays.stream(CgroupV2GuestTest.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Test.class)).count();

        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(),
                java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", classPath,
                "org.junit.platform.console.ConsoleLauncher", "execute",
                "--select-class", CgroupV2GuestTest.class.getName(),
                "--details=tree", "--disable-banner", "--disable-ansi-colors")
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // waiting for another checkout's guest run (one at a time) + the run itself, in which the
        // script kills the guest on its own: both within TIMEOUT, so the script reports which it was
        pb.environment().put("V2_LOCK_WAIT", Long.toString(LOCK_WAIT.toSeconds()));
        pb.environment().put("V2_TIMEOUT", Long.toString(TIMEOUT.minus(LOCK_WAIT).toSeconds() - 30));
        long start = System.nanoTime();
        Process guest = pb.start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> copy(guest.getInputStream(), output), "v2guest-output");
        pump.start();
        boolean ended = guest.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            guest.destroy(); // the script's TERM trap stops qemu
            if (!guest.waitFor(10, TimeUnit.SECONDS)) {
                guest.destroyForcibly();
            }
        }
        pump.join(TimeUnit.SECONDS.toMillis(10));
        String out;
        synchronized (output) {
            out = output.toString(StandardCharsets.UTF_8);
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        String whole = "\n----- output of run-in-v2-guest.sh (" + seconds + " s) -----\n" + out;
        System.out.println(whole); // into failsafe's report, also when green: the guest's own figures

        assertThat(ended).as("the guest run ended within %s%s", TIMEOUT, whole).isTrue();
        assertThat(guest.exitValue()).as("exit status of the guest run (124 timeout, 125 harness)%s", whole).isZero();
        assertThat(count(SUCCESSFUL, out)).as("tests successful (of %d)%s", expected, whole).isGreaterThanOrEqualTo(expected);
        assertThat(count(FAILED, out)).as("tests failed%s", whole).isZero();
    }

    private static long count(Pattern p, String out) {
        Matcher m = p.matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
