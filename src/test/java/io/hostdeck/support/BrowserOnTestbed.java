package io.hostdeck.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link AppOnTestbed} with one real browser for the class: opened before the class's own
 * {@code @BeforeAll} and closed after its {@code @AfterAll}, whatever they did.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BrowserOnTestbed extends AppOnTestbed {

    protected Browser browser;

    @BeforeAll
    void openBrowser() {
        browser = new Browser(port);
    }

    @AfterAll
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }
}
