package io.hostdeck.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.hostdeck.support.BrowserOnTestbed;
import io.hostdeck.support.TestUsers;

/**
 * /terminal in a real browser: typed into, its output on screen and its effect on the testbed, the
 * shell's exit shown on the page, then the recording played back from /audit with the same output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TerminalBrowserIT extends BrowserOnTestbed {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private WebDriverWait waiting() {
        return new WebDriverWait(browser.driver(), WAIT);
    }

    private String screen(String selector) {
        return browser.driver().findElement(By.cssSelector(selector + " .xterm-rows")).getText();
    }

    @Test
    void anAdminTypesIntoTheTerminalSeesTheOutputAndTheEffectThenReplaysTheRecording() throws Exception {
        browser.driver().manage().deleteAllCookies();
        browser.logIn("admin", TestUsers.PASSWORD);
        browser.open("/terminal");
        waiting().until(ExpectedConditions.attributeToBe(By.id("terminal"), "data-state", "open"));
        String status = browser.driver().findElement(By.id("term-status")).getText();
        assertThat(status).startsWith("host shell as root · recorded as ");
        String recording = status.substring(status.indexOf("recorded as ") + "recorded as ".length()).strip();

        WebElement keys = browser.driver().findElement(By.cssSelector("#terminal .xterm-helper-textarea"));
        keys.sendKeys("echo from-the-browser-$((3*4)) > /root/hd-browser-file; printf '\\033[31mred-%s\\033[0m\\n' $((5*5))"
                + Keys.ENTER);
        waiting().until(d -> screen("#terminal").contains("red-25"));
        assertThat(Files.readString(testbed().root().resolve("root/hd-browser-file")).strip())
                .isEqualTo("from-the-browser-12");
        // colours reach the screen: xterm draws the red text with its red foreground class
        assertThat(browser.driver().findElements(By.cssSelector("#terminal .xterm-rows span.xterm-fg-1")))
                .extracting(WebElement::getText).anyMatch(t -> t.contains("red-25"));
        browser.screenshot(Path.of("target", "screenshots", "terminal.png"));

        keys.sendKeys("exit" + Keys.ENTER);
        WebElement ended = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("term-ended")));
        assertThat(ended.getText()).isEqualTo("Terminal ended: the shell exited with 0");
        assertThat(browser.driver().findElement(By.id("terminal")).getAttribute("data-state")).isEqualTo("ended");

        // the audit trail links the recording; its player shows the same output
        browser.open("/audit?action=terminal-close");
        WebElement play = waiting().until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("a.play-recording[href='/audit/recordings/" + recording + "']")));
        play.click();
        waiting().until(ExpectedConditions.attributeToBe(By.id("player"), "data-state", "ready"));
        new org.openqa.selenium.support.ui.Select(browser.driver().findElement(By.id("speed"))).selectByValue("16");
        browser.driver().findElement(By.id("play")).click();
        waiting().until(ExpectedConditions.attributeToBe(By.id("player"), "data-state", "ended"));
        assertThat(screen("#player")).contains("red-25").contains("echo from-the-browser-$((3*4))");
        browser.screenshot(Path.of("target", "screenshots", "terminal-replay.png"));

        // seeking back to the start shows the screen as it was then: before the command's output
        ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript(
                "const s = document.getElementById('seek'); s.value = '0'; s.dispatchEvent(new Event('input'));");
        waiting().until(d -> !screen("#player").contains("red-25"));
    }
}
