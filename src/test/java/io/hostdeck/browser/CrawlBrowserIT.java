package io.hostdeck.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.hostdeck.support.BrowserOnTestbed;
import io.hostdeck.support.TestUsers;
import io.hostdeck.testbed.Testbed;

/**
 * Every page as every role in Chromium at a small phone's width (360 px, the narrowest the
 * layout is made for): every nav link, the first
 * detail link of every list, every view variant in the URL, and every form submitted once with a
 * bad value. Fails on any 5xx, any console error or CSP violation, any page wider than the window,
 * and any bad value whose message is not shown (and focused) where the user acted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrawlBrowserIT extends BrowserOnTestbed {

    private static final String UNIT = "hd-app-crawl.service";
    /** A cgroup no unit owns: its page has the raw limits form. */
    private static final String RAW = "hd-crawl-raw";
    private static final List<String> HIERARCHIES = List.of("memory", "cpu", "pids", "unified");
    private static final int PHONE = 360;
    /** Chromium's own line for a reply with an error status: 4xx are the crawl's bad values, checked apart. */
    private static final Pattern CLIENT_ERROR_STATUS = Pattern.compile(
            "Failed to load resource: the server responded with a status of 4\\d\\d");

    /** View variants in the URL: each is a bookmark someone will open. */
    private static final List<String> VARIANTS = List.of("/cgroups?view=tree", "/cgroups?view=top&sort=memory&depth=2",
            "/cgroups?view=tree&depth=5", "/services?type=all", "/services?state=failed", "/services?sort=-memory",
            "/services?type=timer&sort=since", "/services?type=socket&q=dbus", "/logs?priority=err",
            "/logs?since=-1h&identifier=systemd", "/logs?unit=" + UNIT, "/services/" + UNIT + "/logs",
            "/containers?sandboxes=shown", "/cgroups/system.slice", "/cgroups/system.slice/" + UNIT,
            "/cgroups/" + RAW, "/services/" + UNIT, "/namespaces?pid=1", "/about", "/swagger-ui/index.html");

    private Testbed testbed;
    private final List<String> failures = new ArrayList<>();

    @BeforeAll
    void start(Testbed testbed) throws IOException {
        this.testbed = testbed;
        Files.writeString(unitFile(), "[Unit]\nDescription=Hostdeck crawl probe\n[Service]\n"
                + "ExecStart=/bin/sh -c \"echo 'crawl probe up'; exec sleep infinity\"\n");
        testbed.exec(T, "systemctl", "daemon-reload");
        testbed.exec(T, "systemctl", "start", UNIT);
        for (String hierarchy : HIERARCHIES) {
            Files.createDirectories(testbed.root().resolve("sys/fs/cgroup/" + hierarchy).resolve(RAW));
        }
        browser.resize(PHONE, 900); // opened by BrowserOnTestbed before this
    }

    @AfterAll
    void stop() throws IOException {
        testbed.exec(T, "systemctl", "stop", UNIT);
        for (String hierarchy : HIERARCHIES) {
            Files.deleteIfExists(testbed.root().resolve("sys/fs/cgroup/" + hierarchy).resolve(RAW));
        }
        Files.deleteIfExists(unitFile());
        testbed.exec(T, "systemctl", "daemon-reload");
    }

    @Test
    void everyPageOfEveryRoleAnswersWithoutErrorAndFitsAPhone() {
        failures.clear();
        for (String role : List.of("admin", "operator", "viewer", "appop")) {
            logInAs(role);
            Set<String> pages = new LinkedHashSet<>();
            visit(role, "/");
            assertThat(((Number) js().executeScript("return window.innerWidth")).intValue())
                    .as("the window is as narrow as a phone's").isLessThanOrEqualTo(PHONE);
            for (WebElement link : browser.driver().findElements(By.cssSelector("#main-nav a"))) {
                pages.add(pathOf(link.getAttribute("href")));
            }
            assertThat(pages).as("the nav of " + role).contains("/", "/services", "/logs", "/about");
            if (role.equals("admin")) {
                browser.screenshot(Path.of("target", "screenshots", "phone-home.png"));
            }
            for (String page : pages) {
                visit(role, page);
                // the first detail link of its list, if it has one
                List<WebElement> details = browser.driver().findElements(By.cssSelector("main table tbody a[href^='/']"));
                if (!details.isEmpty()) {
                    visit(role, pathOf(details.get(0).getAttribute("href")));
                }
            }
            for (String variant : VARIANTS) {
                visit(role, variant);
            }
            // the charts' other span, drawn by uPlot, and the nav's menu opened on a phone
            visit(role, "/cgroups/system.slice");
            List<WebElement> span = browser.driver().findElements(By.id("span-24h"));
            if (!span.isEmpty()) {
                span.get(0).click();
                checkConsole(role, "/cgroups/system.slice (24 h)");
            }
            browser.driver().findElement(By.cssSelector(".nav-toggle")).click();
            if (!browser.driver().findElement(By.cssSelector("#main-nav a[href='/services']")).isDisplayed()) {
                failures.add(role + ": the menu does not open on a phone");
            }
            checkWidth(role, "/cgroups/system.slice (menu open)");
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void everyFormShowsItsBadValueWhereTheUserActedAndFocusesIt() {
        failures.clear();
        logInAs("admin");
        badValue("/services", "#filters", "type", "bogus", "type");
        badValue("/services", "#filters", "sort", "colour", "sort");
        badValue("/cgroups", "#cgroup-filters", "depth", "99", "depth");
        badValue("/logs", "#log-filters", "since", "the day before", "since");
        badValue("/logs", "#log-filters", "priority", "loud", "priority");
        badValue("/audit", "#audit-filters", "since", "last tuesday", "since");
        badValue("/namespaces", "form.filters", "pid", "one", "pid");
        badValue("/services/new", "#unit-form", "Name", "my app!", "Name");
        badValue("/services/" + UNIT, "form.limits", "MemoryMax", "500 MB", "MemoryMax");
        badValue("/services/" + UNIT, "form.kill", "signal", "SIGBOGUS", "signal");
        badValue("/cgroups/" + RAW, "#raw-limits form", "memory", "lots", "memory");
        badValue("/tokens", "#token-form", "name", "bell\u0007", "name");
        badValue("/containers/launch", "#launch-form", "name", "my box!", "name");
        logInAs("operator");
        badValue("/services/" + UNIT, "form.kill", "signal", "SIGBOGUS", "signal");
        assertThat(failures).isEmpty();
    }

    @Test
    void theLaunchFormsDefaultsAreValid() {
        logInAs("admin");
        browser.open("/containers/launch");
        browser.waitFor(By.id("f-name"));
        // the uid map needs a user namespace, which is not chosen by default: no map filled in then
        assertThat(browser.driver().findElement(By.id("f-ns-user")).isSelected()).isFalse();
        assertThat(browser.driver().findElement(By.id("f-uidMap")).getAttribute("value")).isEmpty();
        assertThat(browser.driver().findElement(By.id("f-uidMap")).getAttribute("placeholder")).startsWith("0 100000 65536");
    }

    @Test
    void aBookmarkOpenedLoggedOutSurvivesTheLoginAndFormsLeaveEmptyFiltersOut() {
        browser.driver().manage().deleteAllCookies();
        String bookmark = "/logs?unit=" + UNIT + "&priority=info";
        browser.open(bookmark);
        assertThat(browser.path()).isEqualTo("/login");
        browser.driver().findElement(By.id("username")).sendKeys("viewer");
        browser.driver().findElement(By.id("password")).sendKeys(TestUsers.PASSWORD);
        browser.driver().findElement(By.id("login-submit")).click();
        browser.waitFor(By.id("log-filters"));
        assertThat(browser.path()).isEqualTo(bookmark);
        assertThat(status()).isEqualTo(200);

        // a filter form sends only what is filled in
        waitForScripts();
        browser.driver().findElement(By.id("f-unit")).clear();
        browser.driver().findElement(By.id("f-identifier")).sendKeys("systemd");
        browser.driver().findElement(By.id("f-submit")).click();
        new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(d -> browser.path().contains("identifier="));
        assertThat(browser.path()).isEqualTo("/logs?priority=info&identifier=systemd");
    }

    private void logInAs(String role) {
        browser.logInAnew(role, TestUsers.PASSWORD);
        browser.waitFor(By.id("main"));
        browser.consoleErrors(); // the log starts here
    }

    private void visit(String role, String path) {
        browser.open(path);
        waitForScripts();
        int status = status();
        if (status >= 500 || status == 0) {
            failures.add(role + " " + path + ": status " + status);
        }
        checkWidth(role, path);
        checkConsole(role, path);
    }

    private void checkWidth(String role, String path) {
        Object wide = js().executeScript("""
                const root = document.documentElement;
                if (root.scrollWidth <= root.clientWidth) return null;
                const clipped = (e) => {
                  for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
                    if (getComputedStyle(p).overflowX !== 'visible') return true;
                  }
                  return false;
                };
                const over = [...document.querySelectorAll('body *')]
                    .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 1 && e.getClientRects().length && !clipped(e))
                    .slice(0, 4).map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                        + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\\s+/g, '.') : ''));
                return root.scrollWidth + ' px wide at ' + root.clientWidth + ': ' + over.join(', ');""");
        if (wide != null) {
            failures.add(role + " " + path + ": " + wide);
        }
    }

    private void checkConsole(String role, String path) {
        for (String error : browser.consoleErrors()) {
            if (!CLIENT_ERROR_STATUS.matcher(error).find()) {
                failures.add(role + " " + path + ": console: " + error);
            }
        }
    }

    /**
     * Opens a page, puts a bad value in one field of one form (bypassing the browser's own checks,
     * as a crafted or stale form would) and submits it as the user does; its message must then be
     * shown, focused, and name the field.
     */
    private void badValue(String path, String formSelector, String field, String value, String named) {
        browser.open(path);
        waitForScripts();
        String where = path + " " + formSelector + " " + field + "=" + value;
        List<WebElement> forms = browser.driver().findElements(By.cssSelector(formSelector));
        if (forms.isEmpty()) {
            failures.add(where + ": no such form");
            return;
        }
        js().executeScript("""
                const [form, name, value] = arguments;
                form.noValidate = true;
                let field = form.elements[name];
                if (!field) {
                  field = document.createElement('input');
                  field.type = 'hidden';
                  field.name = name;
                  form.append(field);
                }
                if (field instanceof HTMLSelectElement) {
                  field.append(new Option(value, value, true, true));
                } else {
                  field.removeAttribute('maxlength');
                  field.type = 'text';
                }
                field.value = value;
                const button = form.querySelector('button:not([type=button]), input[type=submit]');
                form.requestSubmit(button);""", forms.get(0), field, value);
        WebElement shown;
        try {
            shown = new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(d -> {
                for (WebElement e : d.findElements(By.cssSelector("#form-problem, .form-problem"))) {
                    if (e.isDisplayed() && !e.getText().isBlank()) {
                        return e;
                    }
                }
                return null;
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            failures.add(where + ": no message shown");
            return;
        }
        if (!shown.getText().contains(named)) {
            failures.add(where + ": the message does not name " + named + ": " + shown.getText());
        }
        if (!shown.equals(browser.driver().switchTo().activeElement())) {
            failures.add(where + ": the message does not have the focus");
        }
        checkWidth("admin", where);
        checkConsole("admin", where);
    }

    private void waitForScripts() {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(js().executeScript(
                "return document.readyState === 'complete' && (document.documentElement.classList.contains('js')"
                        + " || !document.querySelector('script[type=module]'))")));
    }

    /** The HTTP status of the document shown now, as Chromium received it. */
    private int status() {
        Object s = js().executeScript("const n = performance.getEntriesByType('navigation')[0];"
                + " return n ? n.responseStatus : 0;");
        return s == null ? 0 : ((Number) s).intValue();
    }

    private String pathOf(String href) {
        return href.replaceFirst("^https?://[^/]+", "");
    }

    private JavascriptExecutor js() {
        return browser.driver();
    }

    private Path unitFile() {
        return testbed.root().resolve("etc/systemd/system/" + UNIT);
    }
}
