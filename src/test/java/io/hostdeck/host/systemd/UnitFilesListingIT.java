package io.hostdeck.host.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hostdeck.host.HostProperties;
import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;

/**
 * systemd lists its unit files slowly on a host with many of them (a minute at 10,000, see
 * docs/benchmarks.md, PagesBench) and answers nothing else meanwhile: the adapter lets it finish,
 * and gives the list pages systemd's last ListUnits in the meantime rather than a call that waits.
 * 3,000 unit files (not loaded: no daemon-reload) make the listing take systemd seconds (3 s with 1,500 here).
 */
@ExtendWith(TestbedExtension.class)
class UnitFilesListingIT {

    private static final Duration T = Duration.ofSeconds(30);
    private static final int FILES = 3000;

    @Test
    void whileSystemdListsUnitFilesTheListGetsTheLastUnitsAndFreshOnesOnceItIsDone(Testbed testbed) throws Exception {
        Path dir = testbed.root().resolve("run/systemd/system");
        for (int i = 1; i <= FILES; i++) {
            Files.writeString(dir.resolve(file(i)), "[Unit]\nDescription=listing probe\n[Service]\nExecStart=/bin/true\n");
        }
        DbusSystemd systemd = new DbusSystemd(new HostProperties(testbed.root().toString(), testbed.busAddress()), T);
        try {
            List<UnitSummary> before = systemd.listUnits();
            assertThat(systemd.unitFilesIfListed()).as("the first listing has only begun").isEmpty();

            List<UnitSummary> during = systemd.listUnits();

            assertThat(systemd.unitFilesIfListed()).as("systemd is still listing").isEmpty();
            assertThat(during).as("the last ListUnits, not a call queued behind the listing").isSameAs(before);

            Optional<List<UnitFile>> files = Optional.empty();
            for (long end = System.nanoTime() + Duration.ofSeconds(180).toNanos(); files.isEmpty() && System.nanoTime() < end; ) {
                Thread.sleep(200);
                files = systemd.unitFilesIfListed();
            }
            assertThat(files).as("the listing came in, however long systemd took").isPresent();
            assertThat(files.get()).extracting(UnitFile::name).contains(file(1), file(FILES));
            List<UnitSummary> after = systemd.listUnits();
            assertThat(after).as("systemd's own answer again").isNotSameAs(before);
            assertThat(after).extracting(UnitSummary::name).contains("systemd-journald.service");
        } finally {
            systemd.destroy();
            for (int i = 1; i <= FILES; i++) {
                Files.deleteIfExists(dir.resolve(file(i)));
            }
        }
    }

    private static String file(int i) {
        return String.format(Locale.ROOT, "hd-lf-%04d.service", i);
    }
}
