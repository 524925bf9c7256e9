package io.hostdeck.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The testbed itself: a real systemd answering on a real bus, cgroup limits that really land
 * in the kernel's files, and a teardown that leaves nothing on the host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestbedIT {

    private static final String NAME = "leftovers";
    private static final String CGROUP_NAME = "hostdeck-testbed-" + NAME;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Testbed testbed;

    @BeforeAll
    void boot() throws IOException {
        assertThat((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
                .as("the testbed needs root (namespaces, cgroups); run the integration tests as root")
                .isZero();
        Testbed.teardown(NAME);
        testbed = Testbed.boot(NAME);
    }

    @AfterAll
    void closeIfATestFailedEarly() {
        if (testbed != null) {
            testbed.close();
        }
    }

    @Test
    @Order(1)
    void systemdAnswersOnTheContainersBus() {
        String[] version = {"busctl", "--address=" + testbed.busAddress(), "get-property",
                "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "Version"};

        Testbed.Result result = Testbed.runOnHost(TIMEOUT, version);

        assertThat(result.exitCode()).as("busctl: %s", result.stderr()).isZero();
        assertThat(result.stdout().trim()).matches("s \"\\d+[^\"]*\"");
    }

    @Test
    @Order(2)
    void memoryMaxBecomesTheMemoryCgroupsLimit() throws IOException {
        Testbed.Result run = testbed.exec(TIMEOUT, "systemd-run", "--unit=leftovers-probe",
                "--property=MemoryMax=50M", "/bin/sleep", "600");
        assertThat(run.exitCode()).as("systemd-run: %s", run.stderr()).isZero();

        Path memory = testbed.cgroupDir("memory");
        Path unit = memory.resolve("system.slice/leftovers-probe.service");

        assertThat(memory.getFileName()).hasToString(CGROUP_NAME);
        assertThat(Files.readString(unit.resolve("memory.limit_in_bytes")).trim()).isEqualTo("52428800");
        assertThat(Files.readString(unit.resolve("cgroup.procs"))).as("the unit's process is under the limit").isNotBlank();
    }

    @Test
    @Order(3)
    void teardownLeavesNothingOnTheHost() throws Exception {
        // the probes must see a running testbed, or their empty answers below would prove nothing
        assertThat(leftoverProcesses()).isNotEmpty();
        assertThat(leftoverCgroupDirs()).isNotEmpty();
        assertThat(testbed.stateDir()).isDirectory();

        testbed.close();

        // killed processes linger as zombies until the host's PID 1 reaps them
        for (int i = 0; i < 50 && !leftoverProcesses().isEmpty(); i++) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertThat(leftoverProcesses()).isEmpty();
        assertThat(leftoverCgroupDirs()).isEmpty();
        assertThat(leftoverMounts()).isEmpty();
        assertThat(testbed.stateDir()).doesNotExist();
        assertThat(Path.of("/run/systemd/nspawn/propagate", testbed.machineName())).doesNotExist();
    }

    /** "pid: cmdline" of every process that names the testbed or sits in one of its cgroups. */
    private List<String> leftoverProcesses() throws IOException {
        // the machine name as a whole word: "--machine=leftovers", ".../hostdeck-testbed/leftovers"
        Pattern mentions = Pattern.compile("(?<![A-Za-z0-9_-])" + Pattern.quote(testbed.machineName()) + "(?![A-Za-z0-9_-])");
        Pattern inCgroup = Pattern.compile("/" + Pattern.quote(CGROUP_NAME) + "(/|$)", Pattern.MULTILINE);
        long self = ProcessHandle.current().pid();
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String pid = proc.getFileName().toString();
                if (!pid.matches("\\d+") || Long.parseLong(pid) == self) {
                    continue;
                }
                String cmdline = readOrEmpty(proc.resolve("cmdline")).replace('\0', ' ');
                if (mentions.matcher(cmdline).find() || cmdline.contains(CGROUP_NAME)
                        || inCgroup.matcher(readOrEmpty(proc.resolve("cgroup"))).find()) {
                    found.add(pid + ": " + cmdline);
                }
            }
        }
        return found;
    }

    private static List<Path> leftoverCgroupDirs() throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(Path.of("/sys/fs/cgroup"), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.getFileName() != null && dir.getFileName().toString().equals(CGROUP_NAME)) {
                    found.add(dir);
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;   // cgroups come and go while we walk
            }
        });
        return found;
    }

    private List<String> leftoverMounts() throws IOException {
        String state = testbed.stateDir().toString();
        String image = testbed.image().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(line -> line.contains(state) || line.contains(image))
                .toList();
    }

    private static String readOrEmpty(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";   // the process exited meanwhile
        }
    }
}
