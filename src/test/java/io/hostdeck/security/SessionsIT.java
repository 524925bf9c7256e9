package io.hostdeck.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.hostdeck.support.AppOnTestbed;

/** An admin sees who is logged in and ends a session; nobody else may. */
class SessionsIT extends AppOnTestbed {

    @Test
    void aLoginGetsANewSessionIdSoAPlantedOneIsUseless() {
        var web = new io.hostdeck.support.WebSession(port);
        web.get("/login");
        String before = web.cookie("HOSTDECK_SESSION");
        assertThat(before).as("the login page's session").isNotEmpty();
        web.login("viewer", io.hostdeck.support.TestUsers.PASSWORD);
        assertThat(web.cookie("HOSTDECK_SESSION")).isNotEmpty().isNotEqualTo(before);
    }

    @Test
    void anAdminEndsAnOperatorsSessionWhoseNextRequestGoesToTheLoginPage() {
        var operator = logIn("operator");
        assertThat(operator.get("/").statusCode()).isEqualTo(200);
        var admin = logIn("admin");

        String page = admin.get("/sessions").body();
        Matcher row = Pattern.compile("data-user=\"operator\".*?<code>([0-9a-f]{16})</code>", Pattern.DOTALL).matcher(page);
        assertThat(row.find()).as("the operator's session in\n%s", page).isTrue();
        String cookie = operator.cookie("HOSTDECK_SESSION");
        assertThat(cookie).isNotEmpty();
        assertThat(page).as("sessions are named by a hash, not by their id").doesNotContain(cookie);
        String token = admin.pageToken("/sessions");

        assertThat(operator.get("/sessions").statusCode()).isEqualTo(403);
        assertThat(operator.postForm("/sessions/" + row.group(1) + "/end", "_csrf=" + operator.pageToken("/")).statusCode())
                .isEqualTo(403);
        assertThat(operator.get("/").statusCode()).as("still logged in").isEqualTo(200);

        assertThat(admin.postForm("/sessions/" + row.group(1) + "/end", "_csrf=" + token).statusCode()).isEqualTo(302);
        var next = operator.get("/");
        assertThat(next.statusCode()).isEqualTo(302);
        assertThat(next.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/login"));
        assertThat(admin.get("/audit?action=session-end").body()).contains("<td class=\"target\">operator</td>");
        assertThat(admin.postForm("/sessions/not-a-key/end", "_csrf=" + token).statusCode()).isEqualTo(400);
        assertThat(admin.postForm("/sessions/0123456789abcdef/end", "_csrf=" + token).statusCode()).isEqualTo(404);
    }
}
