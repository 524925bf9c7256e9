package io.hostdeck.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.hostdeck.support.BrowserOnTestbed;
import io.hostdeck.support.TestUsers;

/** The log view in a real browser: a filtered URL shows only its lines, again after a reload, and follows. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogsBrowserIT extends BrowserOnTestbed {

    private final String tag = "hd-blogs-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void start() {
        for (int i = 1; i <= 12; i++) {
            inTestbed("logger", "-t", tag, "-p", i % 3 == 0 ? "user.err" : "user.info", "browser line " + i);
        }
    }

    @Test
    void aFilteredUrlShowsOnlyItsLinesAgainAfterAReloadAndFollowsNewOnes() {
        browser.logIn("viewer", TestUsers.PASSWORD);
        String url = "/logs?identifier=" + tag + "&priority=err";
        browser.open(url);
        // logger's lines may reach the journal a moment after it returns
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(d -> {
            d.navigate().refresh();
            return messages().size() == 4;
        });
        assertThat(messages()).containsExactly("browser line 12", "browser line 9", "browser line 6", "browser line 3");
        assertThat(browser.driver().findElement(By.id("f-identifier")).getAttribute("value")).isEqualTo(tag);
        assertThat(browser.driver().findElement(By.id("f-priority")).getAttribute("value")).isEqualTo("err");

        browser.driver().navigate().refresh();
        assertThat(browser.path()).isEqualTo(url);
        assertThat(messages()).containsExactly("browser line 12", "browser line 9", "browser line 6", "browser line 3");

        // an entry opens to its fields; its time shows UTC on hover
        WebElement first = browser.driver().findElement(By.cssSelector("#log-entries details.entry"));
        first.findElement(By.tagName("summary")).click();
        assertThat(first.getAttribute("open")).isNotNull();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(d ->
                first.findElement(By.cssSelector(".fields")).getText().contains("SYSLOG_IDENTIFIER"));
        // fields journald always writes (the sender's _CMDLINE and the like are missing when
        // logger has exited before journald looked it up, which happens under load)
        assertThat(first.findElement(By.cssSelector(".fields")).getText()).contains("_TRANSPORT").contains("PRIORITY")
                .contains(tag);
        assertThat(first.findElement(By.tagName("time")).getAttribute("title")).endsWith(" UTC");
        assertThat(first.getAttribute("class")).contains("p3");

        // live: a new matching line appears on top; one that does not match never does
        browser.waitFor(By.cssSelector("#live-state[data-state='live']"));
        inTestbed("logger", "-t", tag, "-p", "user.info", "browser line not shown");
        inTestbed("logger", "-t", tag, "-p", "user.err", "browser line 13");
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(d -> messages().size() == 5);
        assertThat(messages()).containsExactly("browser line 13", "browser line 12", "browser line 9", "browser line 6",
                "browser line 3");

        // paused, nothing arrives; on resume what came meanwhile does, once
        browser.driver().findElement(By.id("follow-toggle")).click();
        assertThat(browser.driver().findElement(By.id("follow-state")).getText()).isEqualTo("paused");
        inTestbed("logger", "-t", tag, "-p", "user.err", "browser line 14");
        awaitInJournal("/logs?identifier=" + tag + "&grep=line%2014");
        assertThat(messages()).hasSize(5);
        browser.driver().findElement(By.id("follow-toggle")).click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(d -> messages().size() == 6);
        assertThat(messages()).containsExactly("browser line 14", "browser line 13", "browser line 12", "browser line 9",
                "browser line 6", "browser line 3");
        browser.screenshot(Path.of("target", "screenshots", "logs.png"));
    }

    private List<String> messages() {
        return browser.driver().findElements(By.cssSelector("#log-entries details.entry .msg")).stream()
                .map(WebElement::getText).toList();
    }

    private void awaitInJournal(String path) {
        var web = logIn("viewer");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!web.get(path).body().contains("data-cursor")) {
            assertThat(System.nanoTime()).as(path + " shows an entry").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
