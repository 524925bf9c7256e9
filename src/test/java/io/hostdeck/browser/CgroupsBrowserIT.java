package io.hostdeck.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.hostdeck.support.BrowserOnTestbed;
import io.hostdeck.support.TestUsers;
import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;

/** The cgroup pages in a real browser: a top-table row and a chart change on screen within 2 s. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CgroupsBrowserIT extends BrowserOnTestbed {

    private static final String BUSY = "hd-cg-browser.service";

    private Testbed testbed;

    @BeforeAll
    void start(Testbed testbed) throws Exception {
        this.testbed = testbed;
        testbed.exec(T, "systemd-run", "--unit=" + BUSY, "-p", "CPUQuota=10%", "/bin/sh", "-c", "while :; do :; done");
        Thread.sleep(2500); // a few ticks, so the unit is in the table and has a history
        browser.logIn("viewer", TestUsers.PASSWORD);
    }

    @AfterAll
    void stop() {
        testbed.exec(T, "systemctl", "stop", BUSY);
    }

    @Test
    void aTopTableRowFollowsAChangeWithin2Seconds() {
        browser.open("/cgroups?sort=cpu&depth=2");
        browser.waitFor(By.cssSelector("#live-state[data-state='live']"));
        By cpu = By.cssSelector("tr[data-path='/system.slice/" + BUSY + "'] td.cpu");
        assertThat(cpuOf(browser.waitFor(cpu))).isBetween(5.0, 15.0);

        testbed.exec(T, "systemctl", "set-property", "--runtime", BUSY, "CPUQuota=60%");

        new WebDriverWait(browser.driver(), Duration.ofSeconds(4)).until(d -> cpuOf(d.findElement(cpu)) > 40);
        browser.screenshot(Path.of("target", "screenshots", "cgroups.png"));
        testbed.exec(T, "systemctl", "set-property", "--runtime", BUSY, "CPUQuota=10%");
    }

    @Test
    void theChartsDrawTheHistoryAndMoveWithEachTick() throws Exception {
        browser.open("/cgroups/system.slice/" + BUSY);
        browser.waitFor(By.cssSelector("#live-state[data-state='live']"));
        WebElement chart = browser.waitFor(By.cssSelector("#chart-cpu canvas"));
        Thread.sleep(300);
        byte[] before = chart.getScreenshotAs(OutputType.BYTES);

        new WebDriverWait(browser.driver(), Duration.ofSeconds(3)).until(
                d -> !Arrays.equals(before, d.findElement(By.cssSelector("#chart-cpu canvas")).getScreenshotAs(OutputType.BYTES)));

        assertThat(browser.driver().findElements(By.cssSelector("#charts canvas"))).hasSize(5);
        browser.screenshot(Path.of("target", "screenshots", "cgroup.png"));
    }

    private static double cpuOf(WebElement cell) {
        String text = cell.getText().strip();
        return text.equals("—") || text.isEmpty() ? -1 : Double.parseDouble(text);
    }
}
