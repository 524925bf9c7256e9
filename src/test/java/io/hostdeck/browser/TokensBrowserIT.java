package io.hostdeck.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.hostdeck.support.BrowserOnTestbed;
import io.hostdeck.support.TestUsers;

/** A person makes an API token on the tokens page, a script uses it, the person revokes it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokensBrowserIT extends BrowserOnTestbed {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aTokenMadeOnThePageWorksForTheApiUntilItIsRevoked() throws Exception {
        browser.driver().manage().deleteAllCookies();
        browser.logIn("operator", TestUsers.PASSWORD);
        browser.waitFor(By.id("nav-tokens")).click();
        browser.waitFor(By.id("token-form"));
        assertThat(browser.path()).isEqualTo("/tokens");
        browser.driver().findElement(By.name("name")).sendKeys("browser script");
        new Select(browser.driver().findElement(By.name("days"))).selectByValue("7");
        browser.driver().findElement(By.id("create-token")).click();
        String token = browser.waitFor(By.id("token-secret")).getText();
        assertThat(token).matches("hd_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
        assertThat(whoami(token).body()).contains("\"user\":\"operator\"").contains("\"role\":\"operator\"");

        var row = browser.waitFor(By.cssSelector(".token-row[data-id='" + token.substring(3, 19) + "']"));
        assertThat(row.getText()).contains("browser script");
        row.findElement(By.className("revoke-token")).click();
        var alert = new WebDriverWait(browser.driver(), Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent());
        assertThat(alert.getText()).isEqualTo("Revoke the token browser script?");
        alert.accept();
        assertThat(browser.waitFor(By.id("flash")).getText()).contains("Revoked the token browser script");
        assertThat(browser.driver().findElements(By.id("token-secret"))).as("shown once").isEmpty();
        assertThat(whoami(token).statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> whoami(String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/whoami"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiExplorerShowsTheApiToALoggedInUserAndNotToAnyoneElse() {
        browser.driver().manage().deleteAllCookies();
        browser.open("/swagger-ui/index.html");
        browser.waitFor(By.name("username")); // the login form first
        browser.logIn("viewer", TestUsers.PASSWORD);
        browser.open("/tokens");
        browser.waitFor(By.id("api-docs-link")).click();
        // Swagger UI, under the app's content security policy, draws the description it fetched
        var paths = new WebDriverWait(browser.driver(), Duration.ofSeconds(15)).until(
                ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector(".opblock-summary-path"), 20));
        assertThat(paths.stream().map(e -> e.getAttribute("data-path")))
                .contains("/api/units", "/api/containers/launch", "/api/logs");
        assertThat(browser.driver().findElements(By.cssSelector(".btn.authorize"))).as("a token is asked for").isNotEmpty();
        browser.screenshot(java.nio.file.Path.of("target", "screenshots", "api-explorer.png"));
    }
}
