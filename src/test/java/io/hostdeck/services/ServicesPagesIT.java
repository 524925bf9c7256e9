package io.hostdeck.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;

/**
 * The services pages and actions against the testbed's systemd, per role: what each role may do
 * really happens (the unit's state and cgroup files change); what it may not do is refused with
 * 403 and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServicesPagesIT extends AppOnTestbed {

    private static final String UNIT = "hd-web.service";

    private Testbed testbed;

    @BeforeAll
    void installProbe(Testbed testbed) throws IOException {
        this.testbed = testbed;
        Files.writeString(unitFile(), """
                [Unit]
                Description=Hostdeck web probe
                [Service]
                ExecStart=/bin/sleep infinity
                [Install]
                WantedBy=multi-user.target
                """);
        ctl("daemon-reload");
    }

    @AfterAll
    void removeProbe() throws IOException {
        ctl("disable", "--now", UNIT);
        Files.deleteIfExists(unitFile());
        ctl("daemon-reload");
    }

    @Test
    void theListShowsEveryUnitAndItsFiltersLiveInTheUrl() throws InterruptedException {
        var web = logIn("viewer");

        // systemd lists its unit files in the background (after the reload that installed the probe,
        // the page keeps the previous listing until the new one is in)
        String all = web.get("/services").body();
        for (int i = 0; i < 50 && !all.contains("id=\"unit-" + UNIT + "\""); i++) {
            Thread.sleep(100);
            all = web.get("/services").body();
        }
        assertThat(all).contains("id=\"unit-systemd-journald.service\"").contains("id=\"unit-" + UNIT + "\"");

        var filtered = web.get("/services?type=socket&q=dbus");
        assertThat(filtered.statusCode()).isEqualTo(200);
        assertThat(filtered.body()).contains("id=\"unit-dbus.socket\"").doesNotContain("id=\"unit-dbus.service\"")
                .doesNotContain("id=\"unit-systemd-journald.service\"");
        assertThat(rows(web.get("/services?type=socket&q=dbus").body())).as("the same URL, the same rows")
                .isEqualTo(rows(filtered.body()));

        // services by default, as Cockpit's list; every type with type=all
        assertThat(all).doesNotContain("id=\"unit-dbus.socket\"");
        // (searched, so that both are on the first page of 200 whatever else the suite has made)
        assertThat(web.get("/services?type=all&q=dbus.socket").body()).contains("id=\"unit-dbus.socket\"");
        assertThat(web.get("/services?type=all&q=journald").body()).contains("id=\"unit-systemd-journald.service\"")
                .contains("id=\"unit-systemd-journald.socket\"");
        // sorted by a column in the URL: by memory, largest first
        var byMemory = web.get("/services?sort=-memory");
        assertThat(byMemory.statusCode()).isEqualTo(200);
        assertThat(byMemory.body()).contains("aria-sort=\"descending\"").contains("href=\"/services?sort=memory\"");
    }

    @Test
    void aBadFilterIs400NamingTheFilter() {
        var web = logIn("viewer");

        var response = web.get("/services?type=bogus");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("type: &#39;bogus&#39; is not a unit type");
    }

    @Test
    void theDetailShowsStatusProcessesAndLog() {
        var web = logIn("viewer");

        String page = web.get("/services/systemd-journald.service").body();

        assertThat(page).contains("id=\"main-pid\"").contains("/system.slice/systemd-journald.service")
                .contains("id=\"processes\"").contains("systemd-journald");
        assertThat(page).contains("id=\"journal\"");
        assertThat(page).contains("id=\"fragment-text\"").contains("ExecStart=/lib/systemd/systemd-journald");
        assertThat(page).doesNotContain("id=\"actions\"").doesNotContain("id=\"set-limits\"");
    }

    @Test
    void aMissingUnitIs404AndABadNameIs400() {
        var web = logIn("viewer");

        assertThat(web.get("/services/nope-nothing.service").statusCode()).isEqualTo(404);
        var bad = web.get("/services/..%2Fetc%2Fpasswd");
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    @Test
    void anOperatorStartsAndStopsAUnitAndSeesSystemdsResult() {
        var web = logIn("operator");
        String token = web.pageToken("/services/" + UNIT);

        var start = web.postForm("/services/" + UNIT + "/start", "_csrf=" + token);
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(activeState()).isEqualTo("active");
        assertThat(web.get("/services/" + UNIT).body()).contains("Started " + UNIT + ": active (running).").contains("id=\"actions\"")
                .doesNotContain("id=\"action-enable\"");

        web.postForm("/services/" + UNIT + "/stop", "_csrf=" + web.pageToken("/services/" + UNIT));
        assertThat(activeState()).isEqualTo("inactive");
    }

    @Test
    void aViewerIsRefusedEveryActionAndNothingChanges() {
        var web = logIn("viewer");
        String token = web.pageToken("/services/" + UNIT);
        String before = activeState();

        for (String action : new String[] {"start", "stop", "restart", "reload", "try-restart", "reset-failed", "kill",
                "enable", "disable", "mask", "unmask", "limits"}) {
            assertThat(web.postForm("/services/" + UNIT + "/" + action, "_csrf=" + token + "&signal=SIGKILL&TasksMax=5")
                    .statusCode()).as(action).isEqualTo(403);
        }
        assertThat(web.postForm("/services/daemon-reload", "_csrf=" + token).statusCode()).isEqualTo(403);
        assertThat(activeState()).isEqualTo(before);
        assertThat(unitFileState()).isEqualTo("disabled");
    }

    @Test
    void anOperatorIsRefusedWhatOnlyAnAdminMayDo() {
        var web = logIn("operator");
        String token = web.pageToken("/services/" + UNIT);

        for (String action : new String[] {"enable", "disable", "mask", "unmask", "limits"}) {
            assertThat(web.postForm("/services/" + UNIT + "/" + action, "_csrf=" + token + "&TasksMax=5").statusCode())
                    .as(action).isEqualTo(403);
        }
        assertThat(unitFileState()).isEqualTo("disabled");
    }

    @Test
    void anAdminEnablesMasksAndSetsLimitsThatLandInTheCgroup() throws IOException {
        var web = logIn("admin");
        String token = web.pageToken("/services/" + UNIT);

        web.postForm("/services/" + UNIT + "/enable", "_csrf=" + token);
        assertThat(unitFileState()).isEqualTo("enabled");
        web.postForm("/services/" + UNIT + "/disable", "_csrf=" + token);
        assertThat(unitFileState()).isEqualTo("disabled");

        web.postForm("/services/" + UNIT + "/start", "_csrf=" + token);
        var limits = web.postForm("/services/" + UNIT + "/limits",
                "_csrf=" + token + "&MemoryMax=64M&CPUQuota=25%25&TasksMax=17&mode=runtime");
        assertThat(limits.statusCode()).isEqualTo(302);
        assertThat(cgroupFile("memory", "memory.limit_in_bytes")).isEqualTo(String.valueOf(64L << 20));
        assertThat(cgroupFile("cpu", "cpu.cfs_quota_us")).isEqualTo("25000");
        assertThat(cgroupFile("pids", "pids.max")).isEqualTo("17");

        var bad = web.postForm("/services/" + UNIT + "/limits", "_csrf=" + token + "&TasksMax=9&MemoryMax=12Q");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("MemoryMax: &#39;12Q&#39; is not a size");
        assertThat(cgroupFile("pids", "pids.max")).as("nothing of a refused form is applied").isEqualTo("17");

        // systemd will not mask a unit whose file lives in /etc: it says so, and nothing changes
        var maskOwnFile = web.postForm("/services/" + UNIT + "/mask", "_csrf=" + token);
        assertThat(maskOwnFile.statusCode()).isEqualTo(409);
        assertThat(maskOwnFile.body()).contains("already exists");
        assertThat(unitFileState()).isEqualTo("disabled");
        web.postForm("/services/" + UNIT + "/stop", "_csrf=" + token);

        String ghost = "hd-ghost.service";
        assertThat(web.postForm("/services/" + ghost + "/mask", "_csrf=" + token).statusCode()).isEqualTo(302);
        assertThat(ctl("show", "--property=UnitFileState", "--value", ghost)).isEqualTo("masked");
        var refused = web.postForm("/services/" + ghost + "/start", "_csrf=" + token);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("masked");
        web.postForm("/services/" + ghost + "/unmask", "_csrf=" + token);
        assertThat(ctl("show", "--property=UnitFileState", "--value", ghost)).isNotEqualTo("masked");
    }

    private static String rows(String page) {
        return page.substring(page.indexOf("<tbody>"), page.indexOf("</tbody>"));
    }


    private String activeState() {
        return ctl("show", "--property=ActiveState", "--value", UNIT);
    }

    private String unitFileState() {
        return ctl("show", "--property=UnitFileState", "--value", UNIT);
    }

    private String cgroupFile(String controller, String file) throws IOException {
        return Files.readString(testbed.cgroupDir(controller).resolve("system.slice/" + UNIT + "/" + file)).strip();
    }


    private Path unitFile() {
        return testbed.root().resolve("etc/systemd/system/" + UNIT);
    }
}
