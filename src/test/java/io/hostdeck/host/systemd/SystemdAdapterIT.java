package io.hostdeck.host.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hostdeck.error.ConflictException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.host.HostProperties;
import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;

/** The D-Bus adapter against the testbed's real systemd: every call, its effect, and its errors. */
@ExtendWith(TestbedExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SystemdAdapterIT {

    private static final Duration T = Duration.ofSeconds(30);
    private static final String PROBE = "hd-probe.service";
    private static final String FAILING = "hd-fails.service";

    private Testbed testbed;
    private DbusSystemd systemd;

    @BeforeAll
    void connect(Testbed testbed) throws IOException {
        this.testbed = testbed;
        Path units = testbed.root().resolve("etc/systemd/system");
        Files.writeString(units.resolve(PROBE), """
                [Unit]
                Description=Hostdeck probe
                [Service]
                ExecStart=/bin/sleep infinity
                ExecReload=/bin/true
                [Install]
                WantedBy=multi-user.target
                """);
        Files.writeString(units.resolve(FAILING), """
                [Unit]
                Description=Hostdeck probe that fails
                [Service]
                Type=oneshot
                ExecStart=/bin/false
                """);
        systemd = new DbusSystemd(new HostProperties(testbed.root().toString(), testbed.busAddress()), T);
        systemd.daemonReload();
    }

    @AfterAll
    void cleanUp() throws IOException {
        try {
            systemd.run(UnitAction.STOP, PROBE);
            systemd.unmask(PROBE);
            systemd.disable(PROBE);
        } finally {
            Files.deleteIfExists(testbed.root().resolve("etc/systemd/system/" + PROBE));
            Files.deleteIfExists(testbed.root().resolve("etc/systemd/system/" + FAILING));
            systemd.daemonReload();
            systemd.destroy();
        }
    }

    @Test
    void listsLoadedUnitsAndInstalledUnitFiles() {
        assertThat(systemd.listUnits()).extracting(UnitSummary::name).contains("systemd-journald.service", "dbus.socket");
        assertThat(systemd.listUnitFiles()).anySatisfy(f -> {
            assertThat(f.name()).isEqualTo(PROBE);
            assertThat(f.state()).isIn("disabled", "enabled"); // other tests enable it for a moment
            assertThat(f.path()).isEqualTo("/etc/systemd/system/" + PROBE);
        }).anySatisfy(f -> {
            assertThat(f.name()).isEqualTo(FAILING);
            assertThat(f.state()).isEqualTo("static"); // no [Install] section
        });
    }

    @Test
    void describesAServiceWithItsProcessCgroupCommandAndDependencies() {
        UnitDetails journald = systemd.unit("systemd-journald.service");

        assertThat(journald.activeState()).isEqualTo("active");
        assertThat(journald.mainPid()).isPositive();
        assertThat(journald.controlGroup()).isEqualTo("/system.slice/systemd-journald.service");
        assertThat(journald.execStart()).singleElement().asString().contains("systemd-journald");
        assertThat(journald.dependencies()).containsKey("After");
        assertThat(journald.fragmentPath()).endsWith("systemd-journald.service");
        assertThat(journald.stateChangedAt()).isNotNull();
    }

    @Test
    void describesSocketsAndTimersWithTheirOwnFacts() {
        assertThat(systemd.unit("dbus.socket").listen()).anySatisfy(l -> assertThat(l).contains("/run/dbus/system_bus_socket"));
        UnitDetails timer = systemd.unit("systemd-tmpfiles-clean.timer");
        assertThat(timer.type()).isEqualTo("timer");
        assertThat(timer.mainPid()).isNull();
    }

    @Test
    void aMissingUnitIsNotFound() {
        assertThatThrownBy(() -> systemd.unit("no-such-thing.service")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no-such-thing.service");
        assertThatThrownBy(() -> systemd.run(UnitAction.START, "no-such-thing.service"))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-thing.service");
    }

    @Test
    void startStopRestartReloadAndTryRestartAreJobsWithTheirRealResult() {
        assertThat(systemd.run(UnitAction.START, PROBE).result()).isEqualTo("done");
        assertThat(systemd.unit(PROBE).activeState()).isEqualTo("active");
        long pid = systemd.unit(PROBE).mainPid();

        assertThat(systemd.run(UnitAction.RESTART, PROBE).result()).isEqualTo("done");
        assertThat(systemd.unit(PROBE).mainPid()).isNotEqualTo(pid);
        assertThat(systemd.run(UnitAction.RELOAD, PROBE).result()).isEqualTo("done");
        assertThat(systemd.run(UnitAction.TRY_RESTART, PROBE).result()).isEqualTo("done");

        assertThat(systemd.run(UnitAction.STOP, PROBE).result()).isEqualTo("done");
        assertThat(systemd.unit(PROBE).activeState()).isEqualTo("inactive");
    }

    @Test
    void aFailingUnitReportsFailedAndResetFailedClearsIt() {
        assertThat(systemd.run(UnitAction.START, FAILING).result()).isEqualTo("failed");
        assertThat(systemd.unit(FAILING).activeState()).isEqualTo("failed");

        systemd.resetFailed(FAILING);

        assertThat(systemd.unit(FAILING).activeState()).isEqualTo("inactive");
    }

    @Test
    void killSendsTheSignalToTheMainProcess() throws Exception {
        systemd.run(UnitAction.START, PROBE);
        systemd.kill(PROBE, "main", 9);
        for (int i = 0; i < 50 && "active".equals(systemd.unit(PROBE).activeState()); i++) {
            Thread.sleep(100);
        }
        UnitDetails after = systemd.unit(PROBE);
        assertThat(after.activeState()).isEqualTo("failed");
        assertThat(after.result()).isEqualTo("signal");
        systemd.resetFailed(PROBE);
    }

    @Test
    void enableDisableMaskAndUnmaskChangeTheLinksAndTheState() {
        assertThat(systemd.enable(PROBE)).anySatisfy(c -> {
            assertThat(c.type()).isEqualTo("symlink");
            assertThat(c.file()).endsWith("multi-user.target.wants/" + PROBE);
        });
        assertThat(systemd.unit(PROBE).unitFileState()).isEqualTo("enabled");
        assertThat(Files.isSymbolicLink(testbed.root().resolve("etc/systemd/system/multi-user.target.wants/" + PROBE))).isTrue();

        assertThat(systemd.disable(PROBE)).extracting(UnitFileChange::type).containsOnly("unlink");
        assertThat(systemd.unit(PROBE).unitFileState()).isEqualTo("disabled");

        systemd.mask("hd-masked.service");
        assertThatThrownBy(() -> systemd.run(UnitAction.START, "hd-masked.service"))
                .isInstanceOf(ConflictException.class).hasMessageContaining("masked");
        systemd.unmask("hd-masked.service");
    }

    @Test
    void limitsLandInTheUnitsCgroupFiles() throws Exception {
        systemd.run(UnitAction.START, PROBE);
        systemd.setProperties(PROBE, true, List.of(new UnitSetting("MemoryMax", 100L << 20),
                new UnitSetting("CPUQuotaPerSecUSec", 300_000), new UnitSetting("CPUWeight", 200),
                new UnitSetting("TasksMax", 42)));

        assertThat(cgroupFile("memory", "memory.limit_in_bytes")).isEqualTo(String.valueOf(100L << 20));
        assertThat(cgroupFile("cpu", "cpu.cfs_quota_us")).isEqualTo("30000");
        assertThat(cgroupFile("cpu", "cpu.shares")).isEqualTo("2048");
        assertThat(cgroupFile("pids", "pids.max")).isEqualTo("42");
        Limits limits = systemd.unit(PROBE).limits();
        assertThat(limits.memoryMax()).isEqualTo(100L << 20);
        assertThat(limits.cpuQuotaPerSecUSec()).isEqualTo(300_000);

        systemd.setProperties(PROBE, true, List.of(new UnitSetting("MemoryMax", UnitSetting.INFINITY),
                new UnitSetting("TasksMax", UnitSetting.INFINITY)));
        assertThat(cgroupFile("memory", "memory.limit_in_bytes")).isNotEqualTo(String.valueOf(100L << 20));
        assertThat(cgroupFile("pids", "pids.max")).isEqualTo("max");
        assertThat(systemd.unit(PROBE).limits().memoryMax()).isNull();
    }

    @Test
    void ioWeightBecomesTheBfqWeightAndMemoryHighIsKeptWhereV1HasNoFileForIt() throws Exception {
        systemd.run(UnitAction.START, PROBE);
        systemd.setProperties(PROBE, true, List.of(new UnitSetting("IOWeight", 50),
                new UnitSetting("MemoryHigh", 50L << 20)));

        // v1's blkio has only BFQ's weight here; systemd 252 maps IOWeight 50 to blkio's scale
        // (50 * 500 / 100 = 250), then that onto BFQ's 1..1000 around its default 100:
        // 100 + (250 - 100) * (1000 - 100) / (10000 - 100) = 113
        assertThat(cgroupFile("blkio", "blkio.bfq.weight")).isEqualTo("113");
        // v1 has no memory.high: systemd keeps the setting (and applies it on v2) without a file here
        Limits limits = systemd.unit(PROBE).limits();
        assertThat(limits.memoryHigh()).isEqualTo(50L << 20);
        assertThat(limits.ioWeight()).isEqualTo(50);
        systemd.setProperties(PROBE, true, List.of(new UnitSetting("IOWeight", UnitSetting.INFINITY),
                new UnitSetting("MemoryHigh", UnitSetting.INFINITY)));
        assertThat(systemd.unit(PROBE).limits().memoryHigh()).isNull();
    }

    @Test
    void aPersistentLimitIsWrittenAsADropInThatSurvivesAReload() throws Exception {
        systemd.setProperties(PROBE, false, List.of(new UnitSetting("TasksMax", 77)));
        systemd.daemonReload();

        assertThat(systemd.unit(PROBE).limits().tasksMax()).isEqualTo(77);
        assertThat(systemd.unit(PROBE).dropInPaths()).anySatisfy(p -> assertThat(p).startsWith("/etc/systemd/system.control/"));
        systemd.setProperties(PROBE, false, List.of(new UnitSetting("TasksMax", UnitSetting.INFINITY)));
    }

    @Test
    void unitFactsAreReadOnceAndThenKeptCurrentBySignals() throws Exception {
        systemd.run(UnitAction.START, PROBE);
        List<String> units = List.of(PROBE, "systemd-journald.service", "dbus.socket");
        var filled = new LinkedBlockingQueue<String>();
        try (AutoCloseable subscription = systemd.onUnitChange(u -> {
            if (u == null) {
                filled.add("filled");
            }
        })) {
            systemd.unitFacts(units); // unknown yet: read in the background
            assertThat(filled.poll(10, TimeUnit.SECONDS)).as("a change once the facts are in").isEqualTo("filled");
        }
        var facts = systemd.unitFacts(units);
        assertThat(facts).containsOnlyKeys(units);
        assertThat(facts.get("systemd-journald.service").mainPid()).isEqualTo(systemd.unit("systemd-journald.service").mainPid());
        assertThat(facts.get("dbus.socket").mainPid()).isNull();
        assertThat(facts.get(PROBE).since()).isNotNull();
        long before = facts.get(PROBE).mainPid();

        systemd.run(UnitAction.RESTART, PROBE);

        long now = systemd.unit(PROBE).mainPid();
        assertThat(now).isNotEqualTo(before);
        for (int i = 0; i < 50 && !Long.valueOf(now).equals(systemd.unitFacts(units).get(PROBE).mainPid()); i++) {
            Thread.sleep(20);
        }
        assertThat(systemd.unitFacts(units).get(PROBE).mainPid()).as("kept current by PropertiesChanged").isEqualTo(now);
        systemd.run(UnitAction.STOP, PROBE);
    }

    @Test
    void stateChangesArriveAsSignals() throws Exception {
        var changed = new LinkedBlockingQueue<String>();
        try (AutoCloseable subscription = systemd.onUnitChange(u -> {
            if (u != null) {
                changed.add(u);
            }
        })) {
            systemd.run(UnitAction.START, PROBE);
            systemd.run(UnitAction.STOP, PROBE);
            String unit;
            do {
                unit = changed.poll(5, TimeUnit.SECONDS);
            } while (unit != null && !unit.equals(PROBE));
            assertThat(unit).isEqualTo(PROBE);
        }
    }

    private String cgroupFile(String controller, String file) throws IOException {
        return Files.readString(testbed.cgroupDir(controller).resolve("system.slice/" + PROBE + "/" + file)).strip();
    }
}
