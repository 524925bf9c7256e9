package io.hostdeck.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.hostdeck.support.BrowserOnTestbed;
import io.hostdeck.support.TestUsers;

/** A sandbox in a real browser: launched from the form, listed live, stopped from its page. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainersBrowserIT extends BrowserOnTestbed {

    private static final String UNIT = "hostdeck-sandbox-hdweb.service";

    @AfterAll
    void stop() {
        ctl("stop", UNIT);
    }

    @Test
    void anAdminLaunchesASandboxSeesItListedAndStopsIt() {
        browser.driver().manage().deleteAllCookies();
        browser.logIn("admin", TestUsers.PASSWORD);
        browser.open("/containers");
        browser.waitFor(By.id("launch-link")).click();

        browser.waitFor(By.id("f-name")).sendKeys("hdweb");
        browser.driver().findElement(By.id("f-command")).sendKeys("sleep 1006");
        WebElement user = browser.driver().findElement(By.id("f-ns-user"));
        assertThat(browser.driver().findElement(By.id("f-ns-pid")).isSelected()).as("pid is chosen by default").isTrue();
        user.click();
        browser.driver().findElement(By.id("f-hostname")).sendKeys("web-box");
        browser.driver().findElement(By.id("f-MemoryMax")).sendKeys("64M");
        browser.driver().findElement(By.id("launch-button")).click();

        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "Launched " + UNIT));
        // the list follows the host over the live channel: the sandbox's row comes without a reload
        By row = By.xpath("//tr[contains(@class,'container-row')][td[@class='name']/a[text()='hdweb']]");
        WebElement listed = new WebDriverWait(browser.driver(), Duration.ofSeconds(6))
                .until(ExpectedConditions.visibilityOfElementLocated(row));
        assertThat(listed.findElement(By.cssSelector("td.runtime")).getText()).isEqualTo("hostdeck");
        assertThat(listed.findElements(By.cssSelector("td.ns .badge")).stream().map(WebElement::getText))
                .containsExactly("pid", "net", "mnt", "uts", "ipc", "user");
        browser.screenshot(Path.of("target", "screenshots", "containers.png"));

        listed.findElement(By.cssSelector("td.name a")).click();
        // its cgroup's history, drawn by uPlot from the sampler's rings
        browser.waitFor(By.cssSelector("#chart-cpu .uplot"));
        browser.screenshot(Path.of("target", "screenshots", "container.png"));
        // the list's own refresh (hx-select) must not leak into its links: the page comes whole
        browser.waitFor(By.id("action-stop")).click();
        var alert = new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent());
        assertThat(alert.getText()).startsWith("Stop pid-");
        alert.accept();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(15)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "Stopping pid-"));
        // the stop runs on: the live channel brings its outcome under Stops, and the row goes
        new WebDriverWait(browser.driver(), Duration.ofSeconds(30)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#container-stops td.stop-state"), "ended"));
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(ExpectedConditions.invisibilityOfElementLocated(row));
        assertThat(browser.driver().findElement(By.cssSelector("#container-stops td.stop-outcome")).getText())
                .contains("unit hostdeck-sandbox-hdweb.service ended");
        assertThat(ctl("show", "-p", "LoadState", "--value", UNIT)).as("and from systemd").isEqualTo("not-found");
    }
}
