package io.hostdeck.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

/** The lists' pages in a real browser: the next-page control, live rows on a later page, a phone's width. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListPagingBrowserIT extends BrowserOnTestbed {

    private static final int UNITS = 8;

    private Testbed testbed;

    @BeforeAll
    void start(Testbed testbed) {
        this.testbed = testbed;
        for (int i = 1; i <= UNITS; i++) {
            testbed.exec(T, "systemd-run", "--unit=" + unit(i), "/bin/sleep", "infinity");
        }
        browser.logIn("viewer", TestUsers.PASSWORD);
    }

    @AfterAll
    void stop() {
        List<String> argv = new ArrayList<>(List.of("systemctl", "stop"));
        for (int i = 1; i <= UNITS; i++) {
            argv.add(unit(i));
        }
        testbed.exec(T, argv.toArray(String[]::new));
    }

    @Test
    void aBadPageOrSizeInTheUrlIsShownNamingIt() {
        browser.open("/services?q=hd-pgb-&page=0");
        assertThat(browser.driver().findElement(By.tagName("body")).getText()).contains("page: 0 is outside 1..1000000");
        browser.open("/cgroups?size=lots");
        assertThat(browser.driver().findElement(By.tagName("body")).getText())
                .contains("size: 'lots' is not a whole number; 1..1000");
    }

    @Test
    void theNextPageControlShowsTheNextRowsAndTheyStayLive() {
        browser.open("/services?q=hd-pgb-&size=3");
        browser.waitFor(By.cssSelector("#live-state[data-state='live']"));
        assertThat(shownUnits()).containsExactly(unit(1), unit(2), unit(3));
        assertThat(browser.driver().findElement(By.id("row-count")).getText()).isEqualTo("8");

        browser.driver().findElement(By.cssSelector("#pager a.page-next")).click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(ExpectedConditions.urlContains("page=2"));
        browser.waitFor(By.id("unit-" + unit(4)));
        assertThat(shownUnits()).containsExactly(unit(4), unit(5), unit(6));
        assertThat(browser.path()).isEqualTo("/services?q=hd-pg" + "b-&page=2&size=3");
        assertThat(browser.driver().findElement(By.id("row-range")).getText()).isEqualTo("4–6");

        // a row of the second page follows its unit over the live channel
        By state = By.cssSelector("#unit-" + unit(5).replace(".", "\\.") + " td.state");
        testbed.exec(T, "systemctl", "stop", unit(5));
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(
                ExpectedConditions.textToBePresentInElementLocated(state, "inactive (dead)"));
        testbed.exec(T, "systemd-run", "--unit=" + unit(5), "/bin/sleep", "infinity");
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(
                ExpectedConditions.textToBePresentInElementLocated(state, "active (running)"));

        browser.driver().findElement(By.cssSelector("#pager a.page-prev")).click();
        browser.waitFor(By.id("unit-" + unit(1)));
        assertThat(shownUnits()).containsExactly(unit(1), unit(2), unit(3));
        // no script error on the way (the browser's own favicon request is not the page's)
        assertThat(browser.consoleErrors()).allMatch(e -> e.contains("/favicon.ico"));
    }

    @Test
    void theCgroupTableHasTheSameControlAndAPhoneCanReachIt() {
        browser.resize(360, 740);
        try {
            browser.open("/cgroups?sort=path&depth=2&size=5");
            browser.waitFor(By.cssSelector("#live-state[data-state='live']"));
            List<String> first = shownCgroups();
            assertThat(first).hasSize(5);
            WebElement next = browser.waitFor(By.cssSelector("#pager a.page-next"));
            browser.driver().executeScript("arguments[0].scrollIntoView()", next);
            next.click();
            new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(ExpectedConditions.urlContains("page=2"));
            new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(d -> !shownCgroups().equals(first)
                    && shownCgroups().size() == 5);
            List<String> second = shownCgroups();
            assertThat(second.get(0)).isGreaterThan(first.get(4)); // by path, on from where the first page ended
            // the page itself is no wider than the phone: the table scrolls inside, the pager wraps
            Number overflow = (Number) browser.driver().executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(overflow.intValue()).isLessThanOrEqualTo(0);
            browser.screenshot(Path.of("target", "screenshots", "cgroups-page-2-phone.png"));
        } finally {
            browser.resize(1280, 900);
        }
    }

    private List<String> shownUnits() {
        return browser.driver().findElements(By.cssSelector("#units tbody tr")).stream()
                .map(tr -> tr.getAttribute("id").substring("unit-".length())).toList();
    }

    private List<String> shownCgroups() {
        return browser.driver().findElements(By.cssSelector("#cgroups tbody tr")).stream()
                .map(tr -> tr.getAttribute("data-path")).toList();
    }

    private static String unit(int i) {
        return String.format(Locale.ROOT, "hd-pgb-%02d.service", i);
    }
}
