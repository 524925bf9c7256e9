package io.hostdeck.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON API against the testbed, with personal tokens made on the tokens page: every endpoint
 * for every role (403 and nothing changed below its role), every way a token is refused (401),
 * tokens and page sessions kept apart, bad input named, a scoped operator's token held to its
 * units, actions in the audit trail under the token's user, and the OpenAPI description.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiIT extends AppOnTestbed {

    private static final String PROBE = "hd-api.service";
    private static final String MINE = "hd-app-api.service";
    private static final String OTHER = "hd-api-other.service";
    private static final List<String> ROLES = List.of("viewer", "operator", "admin");
    private static final Pattern SECRET = Pattern.compile("id=\"token-secret\">(hd_[0-9a-f]{16}_[A-Za-z0-9_-]{43})<");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An endpoint, its JSON body (null: none), and the least role that may use it. */
    record Endpoint(String method, String path, String body, String role) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/api/whoami", null, "viewer"),
            new Endpoint("GET", "/api/units", null, "viewer"),
            new Endpoint("GET", "/api/units?type=service&state=active&q=hd-", null, "viewer"),
            new Endpoint("GET", "/api/units/" + PROBE, null, "viewer"),
            new Endpoint("GET", "/api/units/" + PROBE + "/limits", null, "viewer"),
            new Endpoint("GET", "/api/cgroups", null, "viewer"),
            new Endpoint("GET", "/api/cgroups/system.slice", null, "viewer"),
            new Endpoint("GET", "/api/logs?unit=" + PROBE, null, "viewer"),
            new Endpoint("GET", "/api/containers", null, "viewer"),
            new Endpoint("GET", "/api/containers/pid-1", null, "viewer"),
            new Endpoint("GET", "/api/containers/stops", null, "viewer"),
            new Endpoint("GET", "/api/namespaces", null, "viewer"),
            new Endpoint("GET", "/api/host", null, "viewer"),
            new Endpoint("GET", "/api/host/history?range=24h", null, "viewer"),
            new Endpoint("GET", "/api/openapi.json", null, "viewer"),
            new Endpoint("GET", "/api/audit", null, "admin"),
            new Endpoint("POST", "/api/units/" + PROBE + "/restart", null, "operator"),
            new Endpoint("POST", "/api/units/" + PROBE + "/kill?signal=SIGCONT", null, "operator"),
            new Endpoint("POST", "/api/units/" + PROBE + "/reset-failed", null, "operator"),
            new Endpoint("POST", "/api/containers/pid-1/stop", null, "operator"),
            new Endpoint("POST", "/api/containers/pid-1/freeze", null, "operator"),
            new Endpoint("POST", "/api/containers/pid-1/thaw", null, "operator"),
            new Endpoint("POST", "/api/units/" + PROBE + "/limits", "{\"TasksMax\": \"77\"}", "admin"),
            new Endpoint("POST", "/api/units/" + PROBE + "/enable", null, "admin"),
            new Endpoint("POST", "/api/units/" + PROBE + "/disable", null, "admin"),
            new Endpoint("POST", "/api/units/" + PROBE + "/mask", null, "admin"),
            new Endpoint("POST", "/api/units/" + PROBE + "/unmask", null, "admin"),
            new Endpoint("POST", "/api/systemd/daemon-reload", null, "admin"),
            new Endpoint("POST", "/api/units", "{\"Name\": \"hd-api-new\", \"ExecStart\": \"/bin/true\", \"dryRun\": true}", "admin"),
            new Endpoint("POST", "/api/units/" + PROBE + "/override", "{\"ExecStart\": \"/bin/sleep infinity\", \"dryRun\": true}", "admin"),
            new Endpoint("DELETE", "/api/units/" + PROBE, null, "admin"),
            new Endpoint("POST", "/api/cgroups/limits", "{\"path\": \"/system.slice/" + PROBE + "\", \"memory\": \"1G\"}", "admin"),
            new Endpoint("POST", "/api/containers/pid-1/exec", "{\"command\": \"id\"}", "admin"),
            // an admin gets 400 (no namespace chosen): the matrix starts no sandbox
            new Endpoint("POST", "/api/containers/launch", "{\"name\": \"hdapi\", \"command\": \"sleep 1\", \"namespaces\": []}", "admin"));

    @BeforeAll
    void units() throws Exception {
        for (String u : List.of(PROBE, MINE, OTHER)) {
            Files.writeString(testbed().root().resolve("etc/systemd/system/" + u),
                    "[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n");
        }
        ctl("daemon-reload");
        ctl("start", PROBE, MINE, OTHER);
    }

    @AfterAll
    void remove() throws Exception {
        for (String u : List.of(PROBE, MINE, OTHER)) {
            ctl("disable", "--now", u);
            Files.deleteIfExists(testbed().root().resolve("etc/systemd/system/" + u));
        }
        ctl("daemon-reload");
    }

    @Test
    void belowItsRoleEveryEndpointIs403AndChangesNothingAtOrAboveItIsServed() {
        for (String role : ROLES) {
            String token = newToken(logIn(role), "matrix " + role, "30");
            for (Endpoint e : ENDPOINTS) {
                boolean allowed = ROLES.indexOf(role) >= ROLES.indexOf(e.role());
                String before = allowed ? null : state();
                HttpResponse<String> r = api(e.method(), e.path(), token, e.body());
                if (allowed) {
                    assertThat(r.statusCode()).as("%s may %s %s: %s", role, e.method(), e.path(), r.body())
                            .isNotIn(401, 403).isLessThan(500);
                    assertThat(r.headers().firstValue("Content-Type")).as("%s %s", e.method(), e.path())
                            .hasValueSatisfying(t -> assertThat(t).contains("json"));
                } else {
                    assertThat(r.statusCode()).as("%s may not %s %s", role, e.method(), e.path()).isEqualTo(403);
                    assertThat(json(r).path("error").asString()).isNotEmpty();
                    assertThat(state()).as("unchanged after %s's %s %s", role, e.method(), e.path()).isEqualTo(before);
                }
            }
        }
        assertThat(ctl("show", PROBE, "-p", "TasksMax", "--value")).as("the admin's limit took").isEqualTo("77");
        assertThat(ctl("is-active", PROBE)).isEqualTo("active");
    }

    @Test
    void readsAnswerWhatTheHostHas() throws Exception {
        String token = newToken(logIn("viewer"), "reads", "");
        JsonNode units = json(api("GET", "/api/units?type=service&q=hd-api", token, null));
        assertThat(names(units)).contains(PROBE, OTHER);
        JsonNode one = json(api("GET", "/api/units/" + PROBE, token, null));
        assertThat(one.path("unit").path("activeState").asString()).isEqualTo("active");
        long pid = one.path("unit").path("mainPid").asLong();
        assertThat(pid).isEqualTo(Long.parseLong(ctl("show", PROBE, "-p", "MainPID", "--value")));
        assertThat(one.path("processes").size()).isEqualTo(1);
        assertThat(one.path("fragmentText").asString()).contains("ExecStart=/bin/sleep infinity");
        JsonNode cgroup = null;
        for (int i = 0; i < 30; i++) { // 404 until the sampler's next tick has seen it
            var r = api("GET", "/api/cgroups/system.slice/" + PROBE + "?range=15m", token, null);
            if (r.statusCode() == 200) {
                cgroup = json(r);
                break;
            }
            Thread.sleep(100);
        }
        assertThat(cgroup).as("the unit's cgroup").isNotNull();
        assertThat(cgroup.path("unit").asString()).isEqualTo(PROBE);
        assertThat(cgroup.path("rates").path("tasks").asLong()).isEqualTo(1);
        assertThat(cgroup.path("history").path("series").isArray()).isTrue();
        JsonNode tree = json(api("GET", "/api/cgroups?depth=2&sort=path", token, null));
        assertThat(tree.path("cgroups").toString()).contains("\"/system.slice\"");
    }

    @Test
    void logsPageByCursorWithTheLogViewsFilters() throws Exception {
        String id = "hd-api-log-" + System.nanoTime();
        inTestbed("sh", "-c", "for i in $(seq 1 250); do echo line-$i; done | systemd-cat -t " + id);
        String token = newToken(logIn("viewer"), "logs", "");
        JsonNode first = null;
        for (int i = 0; i < 50; i++) {
            first = json(api("GET", "/api/logs?identifier=" + id, token, null));
            if (first.path("entries").size() == 200) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(first.path("entries").size()).isEqualTo(200);
        assertThat(first.path("entries").get(0).path("message").asString()).isEqualTo("line-250");
        assertThat(first.path("newer").isNull()).isTrue();
        String older = first.path("older").asString();
        JsonNode second = json(api("GET", "/api/logs?identifier=" + id + "&before=" + enc(older), token, null));
        assertThat(second.path("entries").size()).isEqualTo(50);
        assertThat(second.path("entries").get(0).path("message").asString()).isEqualTo("line-50");
        assertThat(second.path("entries").get(49).path("message").asString()).isEqualTo("line-1");
        assertThat(second.path("older").isNull()).as("the oldest page").isTrue();
        Set<String> seen = new HashSet<>();
        for (JsonNode page : List.of(first, second)) {
            page.path("entries").forEach(e -> seen.add(e.path("message").asString()));
        }
        assertThat(seen).as("every line once").hasSize(250);
        String cursor = second.path("entries").get(0).path("cursor").asString();
        JsonNode entry = json(api("GET", "/api/logs/entry?cursor=" + enc(cursor), token, null));
        assertThat(entry.path("fields").path("SYSLOG_IDENTIFIER").asString()).isEqualTo(id);
        JsonNode after = json(api("GET", "/api/logs?identifier=" + id + "&after=" + enc(cursor), token, null));
        assertThat(after.path("entries").size()).isEqualTo(200);
        assertThat(after.path("entries").get(199).path("message").asString()).isEqualTo("line-51");
    }

    @Test
    void everyRefusedTokenIs401AndAudited() throws Exception {
        assertThat(api("GET", "/api/units", null, null).statusCode()).as("no token").isEqualTo(401);
        var garbled = api("GET", "/api/units", "not-a-token", null);
        assertThat(garbled.statusCode()).isEqualTo(401);
        assertThat(garbled.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
        assertThat(json(garbled).path("error").asString()).contains("not a Hostdeck API token");
        String forged = "hd_0123456789abcdef_" + "A".repeat(43);
        assertThat(api("GET", "/api/units", forged, null).statusCode()).as("unknown token").isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri("/api/units")).header("Authorization", "Basic YWRtaW46eA==").GET())
                .statusCode()).as("basic auth").isEqualTo(401);

        WebSession operator = logIn("operator");
        String token = newToken(operator, "to revoke", "7");
        String wrongSecret = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThat(api("GET", "/api/whoami", wrongSecret, null).statusCode()).as("right id, wrong secret").isEqualTo(401);
        assertThat(api("GET", "/api/whoami", token, null).statusCode()).isEqualTo(200);
        String id = token.substring(3, 19);
        String page = operator.get("/tokens").body();
        assertThat(page).contains(id).contains("to revoke").doesNotContain(token.substring(20));
        var revoked = operator.postForm("/tokens/" + id + "/revoke", "_csrf=" + enc(operator.pageToken("/tokens")));
        assertThat(revoked.statusCode()).isEqualTo(302);
        var afterRevoke = api("GET", "/api/whoami", token, null);
        assertThat(afterRevoke.statusCode()).as("revoked").isEqualTo(401);
        assertThat(json(afterRevoke).path("error").asString()).contains("unknown or revoked");

        // an expired token, as the file would hold it a day after its expiry
        String secret = "B".repeat(43);
        String expiredId = "00000000deadbeef";
        Thread.sleep(50); // past the file system's timestamp granularity since the app's own last write
        Files.writeString(TOKENS_FILE, Files.readString(TOKENS_FILE) + "{\"id\":\"" + expiredId + "\",\"name\":\"old\","
                + "\"owner\":\"operator\",\"source\":\"file\",\"role\":\"OPERATOR\",\"scope\":[],\"created\":\""
                + Instant.now().minusSeconds(3 * 86400) + "\",\"expires\":\"" + Instant.now().minusSeconds(86400)
                + "\",\"hash\":\"" + sha256(secret) + "\"}\n");
        var expired = api("GET", "/api/whoami", "hd_" + expiredId + "_" + secret, null);
        assertThat(expired.statusCode()).as("expired").isEqualTo(401);
        assertThat(json(expired).path("error").asString()).contains("expired");

        WebSession admin = logIn("admin");
        String trail = admin.get("/audit?action=token-refused&user=operator").body();
        assertThat(trail).contains("the token expired");
        assertThat(admin.get("/audit?action=token-refused").body()).contains("unknown or revoked token")
                .contains("not a Hostdeck API token");
        assertThat(admin.get("/audit?action=token-revoke&user=operator").body()).contains(id);
        assertThat(admin.get("/audit?action=token-create&user=operator").body()).contains("to revoke");
        assertThat(Files.getPosixFilePermissions(TOKENS_FILE)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(TOKENS_FILE)).as("hashes only").doesNotContain(token.substring(20));
    }

    @Test
    void tokensOpenNoPageAndSessionsOpenNoApi() {
        WebSession admin = logIn("admin");
        String token = newToken(admin, "pages", "");
        String pid = ctl("show", PROBE, "-p", "MainPID", "--value");
        var page = send(HttpRequest.newBuilder(uri("/services")).header("Authorization", "Bearer " + token).GET());
        assertThat(page.statusCode()).as("a token on a page").isEqualTo(401);
        var post = send(HttpRequest.newBuilder(uri("/services/" + PROBE + "/restart")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("")));
        assertThat(post.statusCode()).as("a token's POST to a page").isEqualTo(401);
        assertThat(admin.get("/api/units").statusCode()).as("a session on the API").isEqualTo(401);
        var description = admin.send(HttpRequest.newBuilder(uri("/api/openapi.json")).header("Accept", "application/json")
                .GET().build());
        assertThat(description.statusCode()).as("but it may read the API's description (the Swagger UI's)").isEqualTo(200);
        assertThat(description.body()).contains("\"/api/units\"");
        String csrf = admin.pageToken("/services");
        var sessionPost = admin.send(HttpRequest.newBuilder(uri("/api/units/" + PROBE + "/restart"))
                .header("X-CSRF-TOKEN", csrf).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(sessionPost.statusCode()).as("a session with its CSRF token on the API").isEqualTo(401);
        assertThat(ctl("show", PROBE, "-p", "MainPID", "--value")).as("not restarted").isEqualTo(pid);
        var api = api("POST", "/api/units/" + PROBE + "/restart", token, null);
        assertThat(api.statusCode()).as("no CSRF token needed with a bearer token").isEqualTo(200);
        assertThat(json(api).path("result").asString()).isEqualTo("done");
        assertThat(ctl("show", PROBE, "-p", "MainPID", "--value")).as("restarted").isNotEqualTo(pid);
        assertThat(api.headers().firstValue("Set-Cookie")).as("no session made").isEmpty();
    }

    @Test
    void badInputIs400NamingTheFieldAndChangesNothing() {
        String token = newToken(logIn("admin"), "bad input", "");
        String before = state();
        record Bad(String method, String path, String body, String field) {
        }
        List<Bad> bad = List.of(
                new Bad("GET", "/api/units?type=bogus", null, "type"),
                new Bad("GET", "/api/units/" + enc("bad$name"), null, "unit"),
                new Bad("GET", "/api/logs?priority=loud", null, "priority"),
                new Bad("GET", "/api/logs?unti=" + PROBE, null, "unti"),
                new Bad("GET", "/api/logs?since=yesterday-ish", null, "since"),
                new Bad("GET", "/api/logs?before=xyz", null, "before"),
                new Bad("GET", "/api/cgroups?depth=99", null, "depth"),
                new Bad("GET", "/api/cgroups/system.slice?range=1y", null, "range"),
                new Bad("GET", "/api/containers/bogus", null, "id"),
                new Bad("GET", "/api/namespaces?pid=1x", null, "pid"),
                new Bad("GET", "/api/audit?result=maybe", null, "result"),
                new Bad("GET", "/api/audit?limit=0", null, "limit"),
                new Bad("POST", "/api/units/" + PROBE + "/kill?signal=SIGNOPE", null, "signal"),
                new Bad("POST", "/api/units/" + PROBE + "/limits", "{\"MemoryMax\": \"12 parsecs\"}", "MemoryMax"),
                new Bad("POST", "/api/units/" + PROBE + "/limits", "{\"TasksMax\": \"5\", \"mode\": \"forever\"}", "mode"),
                new Bad("POST", "/api/units/" + PROBE + "/limits", "{\"Memory\": \"1G\"}", "Memory"),
                new Bad("POST", "/api/units/" + PROBE + "/limits", "{\"TasksMax\": {\"x\": 1}}", "TasksMax"),
                new Bad("POST", "/api/units/" + PROBE + "/limits", "{not json", "body"),
                new Bad("POST", "/api/units", "{\"Name\": \"../evil\", \"ExecStart\": \"/bin/true\"}", "Name"),
                new Bad("POST", "/api/units", "{\"Name\": \"hd-api-x\", \"Description\": \"x\", \"ExecStart\": \"/bin/true\\n[Service]\\nUser=root\"}", "ExecStart"),
                new Bad("POST", "/api/units", "{\"Name\": \"hd-api-x\", \"ExecStart\": \"/bin/true\", \"start\": \"yes\"}", "start"),
                new Bad("POST", "/api/cgroups/limits", "{\"path\": \"/../x\", \"memory\": \"1G\"}", "path"),
                new Bad("POST", "/api/containers/pid-1/exec", "{\"command\": \"\"}", "command"),
                new Bad("POST", "/api/containers/launch", "{\"name\": \"hdapi\", \"command\": \"sleep 1\", \"namespaces\": [\"pid\", 7]}", "namespaces"),
                new Bad("POST", "/api/containers/launch", "{\"name\": \"hdapi\", \"command\": \"sleep 1\", \"namespaces\": [\"pid\"], \"uidMap\": \"0 1 1\"}", "uidMap"),
                new Bad("POST", "/api/containers/launch", "{\"name\": \"HD API\", \"command\": \"sleep 1\", \"namespaces\": [\"pid\"]}", "name"));
        for (Bad b : bad) {
            HttpResponse<String> r = api(b.method(), b.path(), token, b.body());
            assertThat(r.statusCode()).as("%s %s %s: %s", b.method(), b.path(), b.body(), r.body()).isEqualTo(400);
            assertThat(json(r).path("field").asString()).as("%s %s %s", b.method(), b.path(), b.body()).isEqualTo(b.field());
            assertThat(json(r).path("error").asString()).isNotEmpty();
        }
        assertThat(state()).as("nothing changed").isEqualTo(before);
        assertThat(testbed().root().resolve("etc/systemd/system/hd-api-x.service")).doesNotExist();
        var missing = api("GET", "/api/units/hd-api-nothere.service", token, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).path("error").asString()).contains("hd-api-nothere.service");
    }

    @Test
    void aScopedOperatorsTokenReachesOnlyItsUnits() {
        WebSession appop = logIn("appop");
        String token = newToken(appop, "scoped", "");
        JsonNode me = json(api("GET", "/api/whoami", token, null));
        assertThat(me.path("role").asString()).isEqualTo("operator");
        assertThat(me.path("units").toString()).contains(TestUsers.SCOPED_UNITS);
        assertThat(names(json(api("GET", "/api/units", token, null)))).contains(MINE).doesNotContain(OTHER, PROBE);
        assertThat(api("GET", "/api/units/" + OTHER, token, null).statusCode()).isEqualTo(403);
        String pid = ctl("show", OTHER, "-p", "MainPID", "--value");
        for (String forged : List.of("stop", "restart", "kill?signal=SIGKILL", "reset-failed")) {
            var r = api("POST", "/api/units/" + OTHER + "/" + forged, token, null);
            assertThat(r.statusCode()).as(forged).isEqualTo(403);
            assertThat(json(r).path("error").asString()).contains("outside your grant");
        }
        assertThat(ctl("show", OTHER, "-p", "MainPID", "--value")).as("untouched").isEqualTo(pid);
        assertThat(api("GET", "/api/logs?unit=" + OTHER, token, null).statusCode()).isEqualTo(403);
        assertThat(api("GET", "/api/logs?unit=" + enc("hd-*.service"), token, null).statusCode()).isEqualTo(403);
        assertThat(api("GET", "/api/cgroups", token, null).statusCode()).isEqualTo(403);
        assertThat(api("GET", "/api/containers", token, null).statusCode()).isEqualTo(403);
        assertThat(api("GET", "/api/namespaces", token, null).statusCode()).isEqualTo(403);
        var mine = api("POST", "/api/units/" + MINE + "/restart", token, null);
        assertThat(mine.statusCode()).isEqualTo(200);
        assertThat(api("GET", "/api/logs?unit=" + MINE, token, null).statusCode()).isEqualTo(200);
    }

    @Test
    void anActionThroughTheApiIsInTheTrailUnderTheTokensUser() {
        String token = newToken(logIn("operator"), "trail", "");
        String id = token.substring(3, 19);
        assertThat(api("POST", "/api/units/" + PROBE + "/restart", token, null).statusCode()).isEqualTo(200);
        String adminToken = newToken(logIn("admin"), "auditor", "");
        JsonNode trail = json(api("GET", "/api/audit?user=operator&action=restart&target=" + PROBE + "&limit=1", adminToken, null));
        assertThat(trail.size()).isEqualTo(1);
        assertThat(trail.get(0).path("result").asString()).isEqualTo("done");
        assertThat(trail.get(0).path("arguments").path("via").asString()).isEqualTo("token " + id + " (trail)");
        assertThat(Files.exists(AUDIT_FILE)).isTrue();
    }

    @Test
    void theOwnersGrantNowIsReCheckedAtEachUse() throws Exception {
        Path users = USERS_FILE;
        String original = Files.readString(users);
        String hash = new BCryptPasswordEncoder(4).encode(TestUsers.PASSWORD);
        try {
            Files.writeString(users, original + "apitmp:" + hash + ":OPERATOR\n");
            String token = newToken(logIn("apitmp"), "changing", "");
            assertThat(json(api("GET", "/api/whoami", token, null)).path("role").asString()).isEqualTo("operator");
            Thread.sleep(50);
            Files.writeString(users, original + "apitmp:" + hash + ":VIEWER\n");
            assertThat(json(api("GET", "/api/whoami", token, null)).path("role").asString()).as("lowered").isEqualTo("viewer");
            assertThat(api("POST", "/api/units/" + PROBE + "/restart", token, null).statusCode()).isEqualTo(403);
            Thread.sleep(50);
            Files.writeString(users, original + "apitmp:" + hash + ":ADMIN\n");
            assertThat(json(api("GET", "/api/whoami", token, null)).path("role").asString())
                    .as("never more than when it was made").isEqualTo("operator");
            Thread.sleep(50);
            Files.writeString(users, original);
            var gone = api("GET", "/api/whoami", token, null);
            assertThat(gone.statusCode()).as("its owner removed").isEqualTo(401);
            assertThat(json(gone).path("error").asString()).contains("no longer has a grant");
        } finally {
            Files.writeString(users, original);
        }
    }

    @Test
    void anAdminSeesAndRevokesAnyonesTokensOthersOnlyTheirOwn() {
        WebSession viewer = logIn("viewer");
        String token = newToken(viewer, "viewer's own", "90");
        String id = token.substring(3, 19);
        WebSession operator = logIn("operator");
        assertThat(operator.get("/tokens").body()).doesNotContain(id);
        var refused = operator.postForm("/tokens/" + id + "/revoke", "_csrf=" + enc(operator.pageToken("/tokens")));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(api("GET", "/api/whoami", token, null).statusCode()).isEqualTo(200);
        WebSession admin = logIn("admin");
        assertThat(admin.get("/tokens").body()).contains(id).contains("viewer&#39;s own");
        assertThat(admin.postForm("/tokens/" + id + "/revoke", "_csrf=" + enc(admin.pageToken("/tokens"))).statusCode())
                .isEqualTo(302);
        assertThat(api("GET", "/api/whoami", token, null).statusCode()).isEqualTo(401);
        var noName = viewer.postForm("/tokens", "name=&days=30&_csrf=" + enc(viewer.pageToken("/tokens")));
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(noName.body()).contains("name");
        var badDays = viewer.postForm("/tokens", "name=x&days=-1&_csrf=" + enc(viewer.pageToken("/tokens")));
        assertThat(badDays.statusCode()).isEqualTo(400);
        assertThat(badDays.body()).contains("days");
    }

    @Test
    void anAdminCreatesEditsLimitsAndDeletesAUnit() {
        String unit = "hd-api-made.service";
        String token = newToken(logIn("admin"), "unit files", "");
        String body = "{\"Name\": \"hd-api-made\", \"Description\": \"made by ApiIT\", \"ExecStart\": \"/bin/sleep 1000\","
                + " \"Restart\": \"no\", \"start\": true}";
        var preview = api("POST", "/api/units", token, body.replace("\"start\": true", "\"dryRun\": true"));
        assertThat(json(preview).path("unitFile").asString()).contains("ExecStart=/bin/sleep 1000");
        assertThat(testbed().root().resolve("etc/systemd/system/" + unit)).as("a dry run writes nothing").doesNotExist();
        try {
            var created = api("POST", "/api/units", token, body);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(json(created).path("start").asString()).isEqualTo("done");
            assertThat(ctl("is-active", unit)).isEqualTo("active");
            assertThat(api("POST", "/api/units", token, body).statusCode()).as("exists already").isEqualTo(409);
            var limits = api("POST", "/api/units/" + unit + "/limits", token,
                    "{\"MemoryMax\": \"256M\", \"CPUQuota\": \"20%\", \"mode\": \"runtime\"}");
            assertThat(limits.statusCode()).as(limits.body()).isEqualTo(200);
            assertThat(json(limits).path("MemoryMax").asString()).isEqualTo("256M");
            assertThat(ctl("show", unit, "-p", "MemoryMax", "--value")).isEqualTo(Long.toString(256L << 20));
            var edited = api("POST", "/api/units/" + unit + "/override", token,
                    "{\"Description\": \"edited\", \"ExecStart\": \"/bin/sleep 2000\"}");
            assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
            assertThat(ctl("show", unit, "-p", "Description", "--value")).isEqualTo("edited");
            var stopped = api("POST", "/api/units/" + unit + "/stop", token, null);
            assertThat(json(stopped).path("result").asString()).isEqualTo("done");
            assertThat(ctl("is-active", unit)).isEqualTo("inactive");
        } finally {
            var deleted = api("DELETE", "/api/units/" + unit, token, null);
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        }
        assertThat(testbed().root().resolve("etc/systemd/system/" + unit)).doesNotExist();
        assertThat(api("DELETE", "/api/units/" + PROBE, token, null).statusCode()).as("not Hostdeck's").isEqualTo(409);
    }

    @Test
    void containersAreFoundFrozenEnteredAndStopped() throws Exception {
        String unit = "hd-api-ns";
        inTestbed("systemd-run", "--unit=" + unit, "--property=TimeoutStopSec=2", "unshare", "--pid", "--uts", "--fork",
                "sh", "-c", "hostname hd-api-box; exec sleep 1004");
        try {
            String admin = newToken(logIn("admin"), "containers", "");
            String operator = newToken(logIn("operator"), "containers", "");
            String id = null;
            for (int i = 0; i < 50 && id == null; i++) {
                for (JsonNode c : json(api("GET", "/api/containers", admin, null))) {
                    if (c.path("initCommand").asString().contains("sleep 1004")) {
                        id = c.path("id").asString();
                    }
                }
                if (id == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(id).as("the unshare container").isNotNull();
            JsonNode detail = json(api("GET", "/api/containers/" + id, admin, null));
            assertThat(detail.path("container").path("runtime").asString()).isEqualTo("unshare");
            assertThat(detail.path("container").path("privateNamespaces").has("PID")).isTrue();
            var exec = api("POST", "/api/containers/" + id + "/exec", admin, "{\"command\": \"hostname\"}");
            assertThat(exec.statusCode()).as(exec.body()).isEqualTo(200);
            assertThat(json(exec).path("output").asString().strip()).isEqualTo("hd-api-box");
            assertThat(json(exec).path("exitCode").asInt()).isEqualTo(0);
            assertThat(api("POST", "/api/containers/" + id + "/exec", operator, "{\"command\": \"id\"}").statusCode())
                    .isEqualTo(403);
            assertThat(json(api("POST", "/api/containers/" + id + "/freeze", operator, null)).path("result").asString())
                    .isEqualTo("frozen");
            assertThat(json(api("GET", "/api/containers/" + id, operator, null)).path("container").path("frozen").asBoolean())
                    .isTrue();
            assertThat(json(api("POST", "/api/containers/" + id + "/thaw", operator, null)).path("result").asString())
                    .isEqualTo("thawed");
            var stop = api("POST", "/api/containers/" + id + "/stop", operator, null);
            assertThat(stop.statusCode()).as(stop.body()).isEqualTo(202);
            assertThat(json(stop).path("result").asString()).isEqualTo("stopping");
            assertThat(stopEnded(id, operator).path("outcome").asString()).contains("unit " + unit + ".service");
            assertThat(ctl("is-active", unit + ".service")).isNotEqualTo("active");
            JsonNode ns = json(api("GET", "/api/namespaces", admin, null));
            assertThat(ns.path("namespaces").size()).isGreaterThan(0);
            String trail = newToken(logIn("admin"), "trail", "");
            assertThat(json(api("GET", "/api/audit?user=operator&action=container-freeze&limit=1", trail, null)).get(0)
                    .path("target").asString()).startsWith(id);
        } finally {
            inTestbed("systemctl", "stop", unit);
            inTestbed("systemctl", "reset-failed", unit);
        }
    }

    @Test
    void aSandboxLaunchedThroughTheApiRunsAndIsStoppedThroughIt() throws Exception {
        String admin = newToken(logIn("admin"), "sandbox", "");
        String unit = "hostdeck-sandbox-hdapibox.service";
        try {
            var launched = api("POST", "/api/containers/launch", admin, "{\"name\": \"hdapibox\", \"command\": \"sleep 1008\","
                    + " \"namespaces\": [\"pid\", \"net\", \"uts\"], \"hostname\": \"apibox\", \"TasksMax\": 5}");
            assertThat(launched.statusCode()).as(launched.body()).isEqualTo(200);
            assertThat(json(launched).path("unit").asString()).isEqualTo(unit);
            JsonNode found = null;
            for (int i = 0; i < 50 && found == null; i++) {
                for (JsonNode c : json(api("GET", "/api/containers", admin, null))) {
                    if (c.path("initCommand").asString().equals("sleep 1008")) {
                        found = c;
                    }
                }
                if (found == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(found).as("the sandbox in the list").isNotNull();
            assertThat(found.path("runtime").asString()).isEqualTo("hostdeck");
            assertThat(found.path("runtimeId").asString()).isEqualTo("hdapibox");
            assertThat(found.path("privateNamespaces").propertyNames()).containsExactlyInAnyOrder("PID", "NET", "UTS");
            assertThat(ctl("show", "-p", "TasksMax", "--value", unit)).isEqualTo("5");
            var again = api("POST", "/api/containers/launch", admin, "{\"name\": \"hdapibox\", \"command\": \"sleep 1\","
                    + " \"namespaces\": [\"pid\"]}");
            assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
            var stop = api("POST", "/api/containers/" + found.path("id").asString() + "/stop", admin, null);
            assertThat(stop.statusCode()).as(stop.body()).isEqualTo(202);
            assertThat(stopEnded(found.path("id").asString(), admin).path("state").asString()).isEqualTo("ended");
            assertThat(ctl("show", "-p", "LoadState", "--value", unit)).isEqualTo("not-found");
        } finally {
            inTestbed("systemctl", "stop", unit);
        }
    }

    /** The stop of container {@code id} from GET /api/containers/stops once it is no longer "stopping". */
    private JsonNode stopEnded(String id, String token) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (JsonNode s : json(api("GET", "/api/containers/stops", token, null))) {
                if (s.path("id").asString().equals(id) && !s.path("state").asString().equals("stopping")) {
                    return s;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the stop of " + id + " did not end within 30 s");
    }

    @Test
    void theOpenApiDocumentListsTheEndpointsAndTheBearerScheme() {
        String token = newToken(logIn("viewer"), "openapi", "");
        assertThat(api("GET", "/api/openapi.json", null, null).statusCode()).isEqualTo(401);
        JsonNode doc = json(api("GET", "/api/openapi.json", token, null));
        assertThat(doc.path("openapi").asString()).startsWith("3.");
        List<String> paths = new ArrayList<>(doc.path("paths").propertyNames());
        assertThat(paths).contains("/api/units", "/api/units/{unit}", "/api/units/{unit}/limits", "/api/units/{unit}/kill",
                "/api/units/{unit}/override", "/api/systemd/daemon-reload", "/api/cgroups", "/api/cgroups/limits",
                "/api/logs", "/api/logs/entry", "/api/containers", "/api/containers/{id}", "/api/containers/{id}/stop",
                "/api/containers/{id}/exec", "/api/containers/launch", "/api/namespaces", "/api/audit", "/api/whoami");
        assertThat(paths).allSatisfy(p -> assertThat(p).startsWith("/api/"));
        assertThat(doc.path("paths").path("/api/units/{unit}").has("delete")).isTrue();
        assertThat(doc.path("components").path("securitySchemes").path("token").path("scheme").asString()).isEqualTo("bearer");
        var yaml = api("GET", "/api/openapi.json.yaml", token, null);
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.body()).contains("/api/units/{unit}:");
    }

    // --- helpers

    /** Makes a token on the tokens page, as its user would, and reads it from the one page that shows it. */
    private static String newToken(WebSession web, String name, String days) {
        var r = web.postForm("/tokens", "name=" + enc(name) + "&days=" + enc(days) + "&_csrf=" + enc(web.pageToken("/tokens")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Matcher m = SECRET.matcher(r.body());
        assertThat(m.find()).as("the token is shown").isTrue();
        assertThat(web.get("/tokens").body()).as("shown once").doesNotContain(m.group(1));
        return m.group(1);
    }

    private HttpResponse<String> api(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return send(b);
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    private static List<String> names(JsonNode units) {
        List<String> out = new ArrayList<>();
        units.forEach(u -> out.add(u.path("name").asString()));
        return out;
    }

    private String state() {
        return inTestbed("sh", "-c", "ls -la /etc/systemd/system /run/systemd/system 2>&1; systemctl show " + PROBE
                + " " + OTHER + " -p ActiveState -p MainPID -p TasksMax -p UnitFileState -p NRestarts");
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
