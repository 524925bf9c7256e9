package io.hostdeck.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

import io.hostdeck.support.BrowserOnTestbed;
import io.hostdeck.support.TestUsers;
import io.hostdeck.testbed.Testbed;
import io.hostdeck.testbed.TestbedExtension;

/** A person at a real browser, against the app pointed at the testbed's systemd. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginBrowserIT extends BrowserOnTestbed {

    @Test
    void anAdminLogsInAndSeesTheTestbedsSystemdVersionWithTheLiveChannelUp(Testbed testbed) {
        browser.driver().manage().deleteAllCookies();
        browser.logIn("admin", TestUsers.PASSWORD);

        String version = browser.waitFor(By.id("systemd-version")).getText();
        assertThat(browser.path()).isEqualTo("/");
        assertThat(version).startsWith("252.");
        assertThat(browser.driver().findElement(By.cssSelector(".user .role")).getText()).isEqualTo("admin");
        // the page's module opened the WebSocket: the CSP let our script run and the handshake passed
        assertThat(browser.waitFor(By.cssSelector("#live-state[data-state='live']")).getText()).isEqualTo("live");
        browser.screenshot(Path.of("target", "screenshots", "home.png"));
    }

    @Test
    void aWrongPasswordShowsAnErrorAndOpensNoSession() {
        browser.driver().manage().deleteAllCookies();
        browser.logIn("admin", "not the password");

        assertThat(browser.waitFor(By.id("login-error")).getText()).isEqualTo("Wrong user name or password.");
        browser.open("/");
        assertThat(browser.path()).isEqualTo("/login");
        assertThat(browser.driver().findElements(By.id("systemd-version"))).isEmpty();
    }
}
