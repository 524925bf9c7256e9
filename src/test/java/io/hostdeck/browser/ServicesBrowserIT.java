package io.hostdeck.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.hostdeck.support.BrowserOnTestbed;
import io.hostdeck.support.TestUsers;
import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;

/** Services in a real browser: live states, confirmations, and what each role is shown. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServicesBrowserIT extends BrowserOnTestbed {

    private static final String UNIT = "hd-browser.service";

    private Testbed testbed;

    @BeforeAll
    void start(Testbed testbed) throws IOException {
        this.testbed = testbed;
        Files.writeString(unitFile(), "[Unit]\nDescription=Hostdeck browser probe\n[Service]\nExecStart=/bin/sleep infinity\n");
        testbed.exec(T, "systemctl", "daemon-reload");
    }

    @AfterAll
    void stop() throws IOException {
        testbed.exec(T, "systemctl", "stop", UNIT);
        Files.deleteIfExists(unitFile());
        testbed.exec(T, "systemctl", "daemon-reload");
    }

    @Test
    void anOperatorStopsAndStartsAUnitAndSeesItsStateChangeWithoutReloading() {
        browser.driver().manage().deleteAllCookies();
        browser.logIn("operator", TestUsers.PASSWORD);
        browser.open("/services/" + UNIT);
        browser.waitFor(By.cssSelector("#live-state[data-state='live']"));
        assertThat(state()).startsWith("inactive");
        // the page never reloads: a marker set on this document must survive every step
        browser.driver().executeScript("document.documentElement.dataset.marker = 'same-page'");

        browser.driver().findElement(By.id("action-start")).click();
        waitForState("active (running)");
        assertThat(browser.driver().findElement(By.id("flash")).getText()).isEqualTo("Started " + UNIT + ": active (running).");
        // its cgroup's numbers follow the sampler's ticks (the page was drawn before the first one)
        new WebDriverWait(browser.driver(), Duration.ofSeconds(4)).until(
                ExpectedConditions.textMatches(By.id("usage-tasks"), java.util.regex.Pattern.compile("^[1-9][0-9]*$")));

        browser.driver().findElement(By.id("action-stop")).click();
        var alert = new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent());
        assertThat(alert.getText()).isEqualTo("Stop " + UNIT + "?");
        alert.accept();
        waitForState("inactive (dead)");

        // a change made elsewhere (here: systemctl on the host) arrives over the WebSocket
        testbed.exec(T, "systemctl", "start", UNIT);
        waitForState("active (running)");
        assertThat((String) browser.driver().executeScript("return document.documentElement.dataset.marker"))
                .isEqualTo("same-page");
        browser.screenshot(Path.of("target", "screenshots", "service.png"));
        testbed.exec(T, "systemctl", "stop", UNIT);
    }

    @Test
    void theListUpdatesARowLiveAndMarksFailedUnits() {
        browser.driver().manage().deleteAllCookies();
        browser.logIn("viewer", TestUsers.PASSWORD);
        // running, so systemd has it loaded and the list shows it whatever the unit-file listing says
        testbed.exec(T, "systemctl", "start", UNIT);
        browser.open("/services?type=service");
        browser.waitFor(By.cssSelector("#live-state[data-state='live']"));
        By row = By.id("unit-" + UNIT);
        By state = By.cssSelector("#unit-" + cssEscape(UNIT) + " td.state");
        assertThat(browser.waitFor(row).getText()).contains(UNIT);

        testbed.exec(T, "systemctl", "stop", UNIT);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(3)).until(
                ExpectedConditions.textToBePresentInElementLocated(state, "inactive (dead)"));
        testbed.exec(T, "systemctl", "start", UNIT);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(3)).until(
                ExpectedConditions.textToBePresentInElementLocated(state, "active (running)"));
        testbed.exec(T, "systemctl", "kill", "--signal=SIGKILL", UNIT);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(3)).until(
                ExpectedConditions.attributeContains(row, "class", "failed"));
        browser.screenshot(Path.of("target", "screenshots", "services.png"));
        testbed.exec(T, "systemctl", "reset-failed", UNIT);
    }

    @Test
    void aViewerSeesNoActionButtons() {
        browser.driver().manage().deleteAllCookies();
        browser.logIn("viewer", TestUsers.PASSWORD);
        browser.open("/services/" + UNIT);

        browser.waitFor(By.id("active-state"));
        assertThat(browser.driver().findElements(By.cssSelector("#actions button"))).isEmpty();
        assertThat(browser.driver().findElements(By.id("set-limits"))).isEmpty();
        assertThat(browser.driver().findElements(By.id("daemon-reload"))).isEmpty();
    }

    private String state() {
        return browser.driver().findElement(By.id("active-state")).getText();
    }

    private void waitForState(String expected) {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5))
                .until(ExpectedConditions.textToBe(By.id("active-state"), expected));
    }

    private static String cssEscape(String id) {
        return id.replace(".", "\\.");
    }

    private Path unitFile() {
        return testbed.root().resolve("etc/systemd/system/" + UNIT);
    }
}
