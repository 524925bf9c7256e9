package io.hostdeck.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.hostdeck.support.BrowserOnTestbed;
import io.hostdeck.support.TestUsers;
import io.hostdeck.testbed.Testbed;

/**
 * A unit's page made for triage: the actions its state allows, the result and exit status beside
 * the state, the log right there for a failed unit, a start that says the unit died, live Main
 * PID, and ExecStart quoted as systemd quotes it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnitTriageBrowserIT extends BrowserOnTestbed {

    private static final String FAILING = "hd-triage-fail.service";
    private static final String RUNNING = "hd-triage-run.service";

    private Testbed testbed;

    @BeforeAll
    void start(Testbed testbed) throws IOException {
        this.testbed = testbed;
        Files.writeString(unitFile(FAILING), "[Unit]\nDescription=Hostdeck triage: dies at once\n[Service]\n"
                + "ExecStart=/bin/sh -c \"echo 'triage: about to fail'; exit 3\"\n");
        Files.writeString(unitFile(RUNNING), "[Unit]\nDescription=Hostdeck triage: runs\n[Service]\n"
                + "ExecStart=/bin/sleep infinity\n");
        testbed.exec(T, "systemctl", "daemon-reload");
    }

    @AfterAll
    void stop() throws IOException {
        testbed.exec(T, "systemctl", "stop", FAILING, RUNNING);
        testbed.exec(T, "systemctl", "reset-failed", FAILING);
        Files.deleteIfExists(unitFile(FAILING));
        Files.deleteIfExists(unitFile(RUNNING));
        testbed.exec(T, "systemctl", "daemon-reload");
    }

    @Test
    void aUnitThatDiesAtOnceSaysSoWithItsExitStatusAndLogAndOffersWhatFits() {
        browser.logInAnew("operator", TestUsers.PASSWORD);
        browser.open("/services/" + FAILING);
        browser.waitFor(By.id("active-state"));
        assertThat(shown()).as("a stopped unit").containsExactly("action-start");
        // the signal select is labelled
        assertThat(browser.driver().findElement(By.cssSelector("label[for='kill-signal']")).getAttribute("textContent"))
                .isEqualTo("Signal");
        // ExecStart quoted as systemd quotes it, as in the unit file, so a copy runs the same (systemd 252's
        // systemctl show drops the quotes: "/bin/sh -c echo 'triage: about to fail'; exit 3")
        assertThat(browser.driver().findElement(By.cssSelector("code.exec-start")).getText())
                .isEqualTo("/bin/sh -c \"echo 'triage: about to fail'; exit 3\"");

        browser.driver().findElement(By.id("action-start")).click();

        WebElement flash = new WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#flash.error")));
        assertThat(flash.getText()).startsWith("Started " + FAILING + ", but it stopped at once: failed (failed)")
                .contains("code=exited, status=3");
        assertThat(browser.driver().findElement(By.id("unit-result")).getText())
                .isEqualTo("result: exit-code, code=exited, status=3/NOTIMPLEMENTED");
        // its log right under the state, above the actions
        WebElement log = browser.driver().findElement(By.id("journal-card"));
        WebElement actions = browser.driver().findElement(By.id("actions"));
        assertThat((Long) browser.driver().executeScript(
                "return arguments[0].compareDocumentPosition(arguments[1]) & Node.DOCUMENT_POSITION_FOLLOWING", log, actions))
                .isNotZero();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(d -> {
            browser.open("/services/" + FAILING);
            return d.findElement(By.id("journal")).getText().contains("triage: about to fail");
        });
        assertThat(shown()).as("a failed unit").containsExactly("action-start", "action-reset-failed");
        browser.screenshot(Path.of("target", "screenshots", "unit-failed.png"));
    }

    @Test
    void aRunningUnitsMainPidAndActionsFollowItsStateLive() {
        browser.logInAnew("operator", TestUsers.PASSWORD);
        testbed.exec(T, "systemctl", "start", RUNNING);
        browser.open("/services/" + RUNNING);
        browser.waitFor(By.cssSelector("#live-state[data-state='live']"));
        String pid = inTestbed("systemctl", "show", "-p", "MainPID", "--value", RUNNING);
        assertThat(browser.driver().findElement(By.id("main-pid")).getText()).isEqualTo(pid);
        assertThat(shown()).as("a running unit").containsExactly("action-stop", "action-restart", "action-reload",
                "action-kill");

        testbed.exec(T, "systemctl", "restart", RUNNING);
        String newPid = inTestbed("systemctl", "show", "-p", "MainPID", "--value", RUNNING);
        assertThat(newPid).isNotEqualTo(pid);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(3))
                .until(ExpectedConditions.textToBe(By.id("main-pid"), newPid));

        testbed.exec(T, "systemctl", "stop", RUNNING);
        new WebDriverWait(browser.driver(), Duration.ofSeconds(3))
                .until(ExpectedConditions.textToBe(By.id("main-pid"), "—"));
        new WebDriverWait(browser.driver(), Duration.ofSeconds(3)).until(d -> shown().equals(List.of("action-start")));
    }

    /** The ids of the operator's action buttons shown now. */
    private List<String> shown() {
        return browser.driver().findElements(By.cssSelector("#actions .buttons:first-of-type button")).stream()
                .filter(WebElement::isDisplayed).map(b -> b.getAttribute("id")).toList();
    }

    private Path unitFile(String unit) {
        return testbed.root().resolve("etc/systemd/system/" + unit);
    }
}
