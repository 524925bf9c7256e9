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
import org.openqa.selenium.support.ui.WebDriverWait;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.Browser;
import io.hostdeck.support.LoopbackTraffic;
import io.hostdeck.support.TestUsers;

/**
 * The home page's host overview in Chromium: its charts drawn from the history, and its figures
 * following the live ticks without a reload: the loopback's rate rises on screen while traffic
 * flows on the testbed's loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostBrowserIT extends AppOnTestbed {

    private static final int SINK_PORT = 19998;
    private static final By LO_RX = By.cssSelector("#interfaces tr[data-iface='lo'] td.rx");

    private Browser browser;

    @BeforeAll
    void start() {
        browser = new Browser(port);
        browser.resize(1280, 1500); // the figures and the charts in one picture, for the README
        browser.logIn("viewer", TestUsers.PASSWORD);
        browser.waitFor(By.id("main"));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theFiguresAndChartsFollowTheHostWithoutAReload() throws Exception {
        browser.open("/");
        browser.waitFor(By.cssSelector("#live-state[data-state='live']"));
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                .until(d -> d.findElements(By.cssSelector("#host-charts canvas")).size() == 6);
        browser.driver().executeScript("window.hostdeckNotReloaded = true;");
        browser.consoleErrors();
        byte[] netBefore = browser.driver().findElement(By.cssSelector("#host-chart-net canvas")).getScreenshotAs(OutputType.BYTES);

        try (var traffic = LoopbackTraffic.start(testbed(), SINK_PORT)) {
            new WebDriverWait(browser.driver(), Duration.ofSeconds(15))
                    .until(d -> bytesPerSecond(d.findElement(LO_RX).getText()) > 1_000_000);
            new WebDriverWait(browser.driver(), Duration.ofSeconds(3)).until(d -> !Arrays.equals(netBefore,
                    d.findElement(By.cssSelector("#host-chart-net canvas")).getScreenshotAs(OutputType.BYTES)));
            Thread.sleep(3000); // a few seconds of it on the chart, for the README's picture
            browser.screenshot(Path.of("target", "screenshots", "home.png"));
            traffic.stopFlow();
            new WebDriverWait(browser.driver(), Duration.ofSeconds(15))
                    .until(d -> bytesPerSecond(d.findElement(LO_RX).getText()) < 100_000);
        }
        assertThat(browser.driver().executeScript("return window.hostdeckNotReloaded === true")).isEqualTo(true);
        assertThat(browser.driver().findElement(By.id("now-cpu")).getText()).matches("[0-9]+\\.[0-9] %");

        // the day's span from the same store, drawn again in place
        browser.driver().findElement(By.id("host-span-24h")).click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(
                d -> d.findElement(By.id("host-span-24h")).getAttribute("class").contains("active"));
        assertThat(browser.driver().findElements(By.cssSelector("#host-charts canvas"))).hasSize(6);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    /** "19.1M/s" as bytes a second; -1 for a dash or anything else. */
    static double bytesPerSecond(String text) {
        var m = java.util.regex.Pattern.compile("([0-9.]+)([BKMGT])/s").matcher(text.strip());
        if (!m.matches()) {
            return -1;
        }
        return Double.parseDouble(m.group(1)) * Math.pow(1024, "BKMGT".indexOf(m.group(2)));
    }
}
