package io.hostdeck.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import io.hostdeck.host.systemd.Systemd;
import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authorization decides on what systemd will act on (issue 13), over pages, the API and the live
 * channel, for each role and a scoped operator and admin, on unit kinds: a service, an alias of
 * another service, a target, a mount, a slice, a power target, a unit whose failure reboots, and
 * a delegated sub-cgroup. Every refusal leaves the testbed as it was; every action is audited under
 * the unit acted on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnitAuthorizationIT extends AppOnTestbed {

    static final String DB = "hd-db.service";
    static final String ALIAS = "hd-app-alias.service"; // a symlink to hd-db.service: in appop's pattern, not its unit
    static final String WEB = "hd-app-web.service";
    static final String ONFAIL = "hd-app-onfail.service"; // OnFailure=reboot.target
    static final String TARGET = "hd-test.target";
    static final String SLICE = "hd-test.slice";
    static final String MOUNT = "mnt-hdtest.mount";
    static final String SUB = "/system.slice/" + DB + "/hd-app-evil.service";
    static final String MOVING = "hd-app-moving.service"; // an alias that a reload moves from hd-app-web to hd-db

    private static final Pattern SECRET = Pattern.compile("id=\"token-secret\">(hd_[0-9a-f]{16}_[A-Za-z0-9_-]{43})<");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    Systemd systemd;

    @BeforeAll
    void units() throws Exception {
        write(DB, "[Unit]\nDescription=db\n[Service]\nExecStart=/bin/sleep infinity\nDelegate=yes\n");
        write(WEB, "[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n");
        write(ONFAIL, "[Unit]\nOnFailure=reboot.target\n[Service]\nType=oneshot\nExecStart=/bin/touch /run/hd-onfail-ran\n");
        write(TARGET, "[Unit]\nDescription=a target of the tests\n");
        write(SLICE, "[Unit]\nDescription=a slice of the tests\n");
        write(MOUNT, "[Mount]\nWhat=tmpfs\nWhere=/mnt/hdtest\nType=tmpfs\n");
        Files.createSymbolicLink(unitFile(ALIAS), Path.of(DB));
        ctl("daemon-reload");
        ctl("start", DB, WEB);
    }

    @AfterAll
    void remove() throws Exception {
        ctl("stop", DB, WEB, TARGET, MOUNT);
        for (String u : List.of(DB, WEB, ONFAIL, TARGET, SLICE, MOUNT, ALIAS, MOVING)) {
            Files.deleteIfExists(unitFile(u));
        }
        inTestbed("rm", "-rf", "/etc/systemd/system/" + WEB + ".d", "/etc/systemd/system.control/" + DB + ".d",
                "/run/systemd/system.control/" + DB + ".d", "/run/hd-onfail-ran");
        ctl("daemon-reload");
    }

    @Test
    void anAliasOpensOnlyWhatItsUnitWould() throws Exception {
        assertThat(ctl("show", ALIAS, "-p", "Id", "--value")).as("systemd resolves the alias").isEqualTo(DB);
        String pid = mainPid(DB);
        var appop = logIn("appop");
        String token = appop.pageToken("/services/" + WEB);
        String appopApi = newToken(appop, "scoped");

        assertThat(appop.get("/services").body()).as("its list: its units, not the alias file").contains(WEB)
                .doesNotContain(ALIAS);
        var page = appop.get("/services/" + ALIAS);
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains(ALIAS + " is another name of " + DB);
        assertThat(api("GET", "/api/units/" + ALIAS, appopApi).statusCode()).isEqualTo(403);
        assertThat(appop.postForm("/services/" + ALIAS + "/restart", "_csrf=" + token).statusCode()).isEqualTo(403);
        assertThat(appop.postForm("/services/" + ALIAS + "/kill", "_csrf=" + token + "&signal=SIGKILL").statusCode())
                .isEqualTo(403);
        assertThat(api("POST", "/api/units/" + ALIAS + "/restart", appopApi).statusCode()).isEqualTo(403);
        assertThat(mainPid(DB)).as("hd-db.service untouched").isEqualTo(pid);

        // its log, under every name and field that could reach it
        for (String view : List.of("unit=" + ALIAS, "unit=" + WEB + "&match=" + enc("_SYSTEMD_UNIT=" + DB),
                "unit=" + WEB + "&match=" + enc("UNIT=" + ALIAS), "match=" + enc("_SYSTEMD_UNIT=" + ALIAS),
                "unit=" + WEB + "&match=" + enc("_SYSTEMD_CGROUP=/system.slice/" + DB))) {
            assertThat(appop.get("/logs?" + view).statusCode()).as(view).isEqualTo(403);
            assertThat(api("GET", "/api/logs?" + view, appopApi).statusCode()).as("api " + view).isEqualTo(403);
        }
        assertThat(appop.get("/services/" + ALIAS + "/logs").statusCode()).isEqualTo(403);
        assertThat(appop.get("/logs?unit=" + WEB).statusCode()).as("its own unit's log").isEqualTo(200);

        // the live channel
        var received = new LinkedBlockingQueue<String>();
        WebSocket ws = appop.openLive(appop.base(), received).get(10, TimeUnit.SECONDS);
        try {
            ws.sendText(subscribe("unit", ALIAS), true).join();
            assertThat(nextError(received)).contains("another name of " + DB);
            ws.sendText(subscribe("logs", "unit=" + ALIAS), true).join();
            assertThat(nextError(received)).contains("another name of " + DB);
            ws.sendText(subscribe("logs", ""), true).join();
            assertThat(nextError(received)).contains("name your units");
        } finally {
            ws.abort();
        }

        // a scoped admin: no limits, no drop-in through the alias
        var appadmin = logIn("appadmin");
        String adminToken = appadmin.pageToken("/services/" + WEB);
        String memoryBefore = ctl("show", DB, "-p", "MemoryMax", "--value");
        assertThat(appadmin.postForm("/services/" + ALIAS + "/limits", "_csrf=" + adminToken + "&MemoryMax=64M&mode=runtime")
                .statusCode()).isEqualTo(403);
        String appadminApi = newToken(appadmin, "scoped admin");
        assertThat(api("POST", "/api/units/" + ALIAS + "/override", appadminApi,
                "{\"Description\":\"x\",\"ExecStart\":\"/bin/sleep infinity\"}").statusCode()).isEqualTo(403);
        assertThat(ctl("show", DB, "-p", "MemoryMax", "--value")).isEqualTo(memoryBefore);
        assertThat(Files.exists(unitFile(ALIAS + ".d"))).isFalse();

        // an admin over every unit acts on the unit behind the alias, and the trail says both names
        var admin = logIn("admin");
        var set = admin.postForm("/services/" + ALIAS + "/limits", "_csrf=" + admin.pageToken("/services/" + DB)
                + "&MemoryMax=64M&mode=runtime");
        assertThat(set.statusCode()).isEqualTo(302);
        assertThat(set.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/services/" + DB));
        assertThat(ctl("show", DB, "-p", "MemoryMax", "--value")).isEqualTo(Long.toString(64L << 20));
        String trail = admin.get("/audit?user=admin&action=set-limits&target=" + DB).body();
        assertThat(trail).contains("asked=" + ALIAS);
        String refusals = admin.get("/audit?user=appop&action=refused").body();
        assertThat(refusals).contains("another name of " + DB);
    }

    /**
     * A scoped read keeps what a name resolved to until systemd says it may resolve otherwise
     * (UnitNames): an alias that a daemon-reload moves to a unit outside the grant is refused once
     * Hostdeck has heard the reload, though it opened before under the same name.
     */
    @Test
    void aReloadThatMovesAnAliasOutOfTheGrantIsHonoured() throws Exception {
        Path link = unitFile(MOVING);
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of(WEB));
        var appop = logIn("appop");
        BlockingQueue<Boolean> everything = new LinkedBlockingQueue<>(); // systemd's "everything may have changed"
        try (AutoCloseable heard = systemd.onUnitChange(u -> {
            if (u == null) {
                everything.add(true);
            }
        })) {
            ctl("daemon-reload");
            assertThat(ctl("show", MOVING, "-p", "Id", "--value")).as("systemd resolves it").isEqualTo(WEB);
            assertThat(untilHeard(everything, () -> appop.get("/logs?unit=" + MOVING).statusCode(), 200))
                    .as("an alias of a unit in the grant").isEqualTo(200);
            assertThat(appop.get("/logs?unit=" + MOVING).statusCode()).as("again: the name as kept").isEqualTo(200);

            Files.delete(link);
            Files.createSymbolicLink(link, Path.of(DB));
            everything.clear();
            ctl("daemon-reload");
            assertThat(ctl("show", MOVING, "-p", "Id", "--value")).as("systemd resolves it anew").isEqualTo(DB);
            assertThat(untilHeard(everything, () -> appop.get("/logs?unit=" + MOVING).statusCode(), 403))
                    .as("after the reload, the unit it names now decides").isEqualTo(403);
            var page = appop.get("/logs?unit=" + MOVING);
            assertThat(page.statusCode()).isEqualTo(403);
            assertThat(page.body()).contains(MOVING + " is another name of " + DB);
            assertThat(appop.get("/services/" + MOVING + "/logs").statusCode()).isEqualTo(403);
        } finally {
            Files.deleteIfExists(link);
            ctl("daemon-reload");
        }
    }

    /**
     * {@code read}'s answer once it is {@code wanted}, asked after each "everything may have
     * changed" Hostdeck hears from systemd (its handlers run in order, so the reload's is among
     * them); the last answer when no more come within 30 s.
     */
    private static int untilHeard(BlockingQueue<Boolean> everything, java.util.function.IntSupplier read, int wanted)
            throws InterruptedException {
        int got;
        do {
            if (everything.poll(30, TimeUnit.SECONDS) == null) {
                return read.getAsInt();
            }
            got = read.getAsInt();
        } while (got != wanted);
        return got;
    }

    @Test
    void targetsMountsAndSlicesAreForAdmins() {
        var operator = logIn("operator");
        String token = operator.pageToken("/services/" + WEB);
        String operatorApi = newToken(operator, "kinds");
        for (String unit : List.of(TARGET, MOUNT, SLICE)) {
            var r = operator.postForm("/services/" + unit + "/start", "_csrf=" + token);
            assertThat(r.statusCode()).as(unit).isEqualTo(403);
            assertThat(r.body()).contains("is for admins");
            assertThat(api("POST", "/api/units/" + unit + "/start", operatorApi).statusCode()).as("api " + unit).isEqualTo(403);
            assertThat(ctl("is-active", unit)).as(unit + " unchanged").isEqualTo("inactive");
        }
        assertThat(operator.get("/services/" + TARGET).body()).contains("id=\"kind-admin-only\"")
                .doesNotContain("id=\"action-start\"");
        assertThat(operator.postForm("/services/" + WEB + "/restart", "_csrf=" + token).statusCode())
                .as("a service is an operator's").isEqualTo(302);

        var viewer = logIn("viewer");
        assertThat(viewer.postForm("/services/" + WEB + "/restart", "_csrf=" + viewer.pageToken("/services/" + WEB))
                .statusCode()).isEqualTo(403);

        var admin = logIn("admin");
        assertThat(admin.postForm("/services/" + TARGET + "/start", "_csrf=" + admin.pageToken("/services/" + TARGET))
                .statusCode()).isEqualTo(302);
        assertThat(ctl("is-active", TARGET)).isEqualTo("active");
        assertThat(admin.get("/audit?user=operator&action=refused").body()).contains(TARGET + ") is for admins");
    }

    @Test
    void powerActionsTakeAnAdminOverEveryUnitAndTheHostsName() {
        var operator = logIn("operator");
        String token = operator.pageToken("/services/" + WEB);
        for (String unit : List.of("poweroff.target", "reboot.target", "rescue.target", "systemd-halt.service", ONFAIL)) {
            var r = operator.postForm("/services/" + unit + "/start", "_csrf=" + token);
            assertThat(r.statusCode()).as(unit).isEqualTo(403);
        }
        var appadmin = logIn("appadmin");
        var scoped = appadmin.postForm("/services/" + ONFAIL + "/start", "_csrf=" + appadmin.pageToken("/services/" + WEB));
        assertThat(scoped.statusCode()).as("in its scope, but a power action").isEqualTo(403);
        assertThat(scoped.body()).contains("power action").contains("admin over every unit");

        var admin = logIn("admin");
        String adminToken = admin.pageToken("/services/poweroff.target");
        assertThat(admin.get("/services/poweroff.target").body()).contains("id=\"power-form\"").contains("id=\"power-confirm\"");
        var unconfirmed = admin.postForm("/services/poweroff.target/start", "_csrf=" + adminToken);
        assertThat(unconfirmed.statusCode()).isEqualTo(400);
        Matcher host = Pattern.compile("type the host&#39;s name, ([^ ,]+), to confirm").matcher(unconfirmed.body());
        assertThat(host.find()).as(unconfirmed.body()).isTrue();
        assertThat(host.group(1)).isEqualTo(inTestbed("hostname"));
        assertThat(admin.postForm("/services/poweroff.target/start", "_csrf=" + adminToken + "&confirm=not-this-host")
                .statusCode()).isEqualTo(400);
        assertThat(ctl("show", "poweroff.target", "-p", "ActiveState", "--value")).isEqualTo("inactive");
        assertThat(ctl("is-system-running")).isIn("running", "degraded");

        // confirmed: a unit whose failure would reboot, started for real (it succeeds)
        Path ran = testbed().root().resolve("run/hd-onfail-ran");
        assertThat(ran).as("not run by any refused request").doesNotExist();
        var done = admin.postForm("/services/" + ONFAIL + "/start", "_csrf=" + adminToken + "&confirm=" + host.group(1));
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(ran).as("it ran").exists();
        assertThat(admin.get("/audit?user=admin&action=start&target=" + ONFAIL).body()).contains("power=it pulls in reboot.target");
        String adminApi = newToken(admin, "power");
        var apiUnconfirmed = api("POST", "/api/units/poweroff.target/start", adminApi);
        assertThat(apiUnconfirmed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(apiUnconfirmed.body()).path("field").asString()).isEqualTo("confirm");
        assertThat(ctl("is-system-running")).isIn("running", "degraded");
    }

    @Test
    void aDelegatedSubCgroupBelongsToItsUnitWhateverItIsCalled() throws Exception {
        List<Path> subs = new ArrayList<>();
        for (Path hierarchy : testbed().cgroupDirs()) { // as a delegated unit makes it: in each hierarchy it has
            Path sub = hierarchy.resolve(SUB.substring(1));
            if (Files.isDirectory(sub.getParent())) {
                Files.createDirectories(sub);
                subs.add(sub);
            }
        }
        try {
            // an admin over every unit may look (the sampler lists it at its next full pass: 404 until then)
            assertThat(logIn("admin").get("/cgroups" + SUB).statusCode()).isIn(200, 404);
            var appop = logIn("appop");
            var refused = appop.get("/cgroups" + SUB);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains(DB);
            assertThat(api("GET", "/api/cgroups" + SUB, newToken(appop, "cgroups")).statusCode()).isEqualTo(403);
            var received = new LinkedBlockingQueue<String>();
            WebSocket ws = appop.openLive(appop.base(), received).get(10, TimeUnit.SECONDS);
            try {
                ws.sendText(subscribe("cgroup", SUB), true).join();
                assertThat(nextError(received)).contains(DB);
            } finally {
                ws.abort();
            }
        } finally {
            for (Path sub : subs) {
                Files.delete(sub);
            }
        }
    }

    @Test
    void aScopedAdminNeverCreatesUnitsRunsCommandsOrWritesRawLimits() throws Exception {
        var appadmin = logIn("appadmin");
        String token = appadmin.pageToken("/services/" + WEB);
        var create = appadmin.postForm("/services/new", "_csrf=" + token + "&step=create&Name=hd-app-pwn&Description=x"
                + "&Type=simple&ExecStart=" + enc("/bin/systemctl stop " + DB) + "&Restart=no&WantedBy=multi-user.target");
        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(Files.exists(unitFile("hd-app-pwn.service"))).isFalse();
        var changedCommand = appadmin.postForm("/services/" + WEB + "/edit", "_csrf=" + token + "&step=save&Description=x"
                + "&Type=simple&ExecStart=" + enc("/bin/systemctl stop " + DB) + "&Restart=no&WantedBy=multi-user.target");
        assertThat(changedCommand.statusCode()).isEqualTo(403);
        assertThat(changedCommand.body()).contains("not what it runs or as whom");
        assertThat(Files.exists(unitFile(WEB + ".d/override.conf"))).isFalse();
        assertThat(appadmin.get("/containers/launch").statusCode()).isEqualTo(403);
        for (String post : List.of("/containers/launch", "/cgroups/limits", "/services/daemon-reload")) {
            assertThat(appadmin.postForm(post, "_csrf=" + token + "&name=x&command=/bin/true&path=/mygroup&MemoryMax=1G")
                    .statusCode()).as(post).isEqualTo(403);
        }

        // what it may do, on its own units
        assertThat(appadmin.postForm("/services/" + WEB + "/limits", "_csrf=" + token + "&TasksMax=77&mode=runtime")
                .statusCode()).isEqualTo(302);
        assertThat(ctl("show", WEB, "-p", "TasksMax", "--value")).isEqualTo("77");
        assertThat(appadmin.postForm("/services/" + WEB + "/enable", "_csrf=" + token).statusCode()).isEqualTo(302);
        assertThat(ctl("is-enabled", WEB)).isEqualTo("enabled");
        assertThat(appadmin.postForm("/services/" + WEB + "/disable", "_csrf=" + token).statusCode()).isEqualTo(302);
        var sameCommand = appadmin.postForm("/services/" + WEB + "/edit", "_csrf=" + token + "&step=save&Description=web"
                + "&Type=simple&ExecStart=" + enc("/bin/sleep infinity") + "&Restart=always&WantedBy=multi-user.target");
        assertThat(sameCommand.statusCode()).as(sameCommand.body()).isEqualTo(302);
        assertThat(Files.readString(unitFile(WEB + ".d/override.conf"))).contains("Restart=always");
    }

    @Test
    void aLoweredGrantAppliesAtTheNextRequestAndARemovedUsersSessionsAndSocketsEnd() throws Exception {
        String original = Files.readString(USERS_FILE);
        String hash = new BCryptPasswordEncoder(4).encode(TestUsers.PASSWORD);
        try {
            Files.writeString(USERS_FILE, original + "hdtemp:" + hash + ":OPERATOR\n");
            var web = logIn("hdtemp");
            String token = web.pageToken("/services/" + WEB);
            assertThat(web.postForm("/services/" + WEB + "/restart", "_csrf=" + token).statusCode()).isEqualTo(302);
            var received = new LinkedBlockingQueue<String>();
            WebSocket ws = web.openLive(web.base(), received).get(10, TimeUnit.SECONDS);

            Thread.sleep(20);
            Files.writeString(USERS_FILE, original + "hdtemp:" + hash + ":VIEWER\n");
            String pid = mainPid(WEB);
            assertThat(web.postForm("/services/" + WEB + "/restart", "_csrf=" + token).statusCode()).as("demoted").isEqualTo(403);
            assertThat(mainPid(WEB)).isEqualTo(pid);
            assertThat(web.get("/services/" + WEB).statusCode()).as("still a viewer").isEqualTo(200);

            Thread.sleep(20);
            Files.writeString(USERS_FILE, original);
            var out = web.get("/services");
            assertThat(out.statusCode()).isEqualTo(302);
            assertThat(out.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/login?revoked"));
            // the socket ends too, without a message from its page (the sweep)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!ws.isInputClosed() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(ws.isInputClosed()).as("the live socket of a removed user is closed").isTrue();
            assertThat(logIn("admin").get("/audit?user=hdtemp&action=grant-revoked").body()).contains("no grant any more");
        } finally {
            Files.writeString(USERS_FILE, original);
        }
    }

    @Test
    void costlyReadsAreCappedAndEndWithTheirClient() throws Exception {
        // a search that can take exponential time, hidden behind an alternative that matches at once
        var viewer = logIn("viewer");
        for (String path : List.of("/logs?grep=", "/logs/download?grep=")) {
            var r = viewer.get(path + enc("^x|(a+)+$"));
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(r.body()).contains("Invalid grep");
        }

        // a large view, downloaded by clients that do not read: each holds its slot
        inTestbed("sh", "-c", "i=0; while [ $i -lt 100 ]; do seq -f 'hdbulk line %g " + "x".repeat(400)
                + "' 1 1000 | systemd-cat -t hdbulk; i=$((i+1)); done");
        String download = "/logs/download?format=json&identifier=hdbulk";
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                stalled.add(stalledGet(viewer, download));
            }
            Thread.sleep(1000);
            for (Socket s : stalled) {
                byte[] head = new byte[12];
                assertThat(s.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
                assertThat(new String(head, StandardCharsets.US_ASCII)).as("the stalled download started").isEqualTo("HTTP/1.1 200");
            }
            assertThat(bulkExports()).as("both still exporting, held by their clients").isEqualTo(2);
            var third = viewer.get(download);
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.body()).contains("2 log downloads").contains("the most one user may");
            var admin = logIn("admin");
            assertThat(admin.get("/logs/download?format=json&identifier=hdnothing").statusCode()).as("another user still downloads").isEqualTo(200);
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
        // their journalctl processes end with them, and the slots come back
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (bulkExports() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(bulkExports()).as("journalctl of a client that left").isZero();
        int status = 0;
        for (int i = 0; i < 30 && status != 200; i++) {
            status = viewer.get("/logs/download?format=json&identifier=hdnothing").statusCode();
            Thread.sleep(100);
        }
        assertThat(status).isEqualTo(200);

        // live log views: at most 8 a user
        var received = new LinkedBlockingQueue<String>();
        WebSocket ws = viewer.openLive(viewer.base(), received).get(10, TimeUnit.SECONDS);
        try {
            for (int i = 1; i <= 8; i++) {
                ws.sendText(subscribe("logs", "identifier=hdview" + i), true).join();
            }
            ws.sendText(subscribe("logs", "identifier=hdview9"), true).join();
            assertThat(nextError(received)).contains("you already follow 8 different logs views");
        } finally {
            ws.abort();
        }
    }

    // --- helpers

    /** A GET of {@code path} with the session's cookie, on a socket that then never reads. */
    private Socket stalledGet(WebSession web, String path) throws Exception {
        Socket s = new Socket("localhost", port);
        s.setReceiveBufferSize(4096);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nCookie: HOSTDECK_SESSION=" + web.cookie("HOSTDECK_SESSION")
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    /** How many journalctl processes are exporting the bulk view now. */
    private static long bulkExports() {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains("journalctl")
                && c.contains("--identifier=hdbulk") && c.contains("--output=json")).orElse(false)).count();
    }

    private static void write(String unit, String text) throws Exception {
        Files.writeString(unitFile(unit), text);
    }

    private static Path unitFile(String unit) {
        return testbed().root().resolve("etc/systemd/system/" + unit);
    }

    private static String mainPid(String unit) {
        return ctl("show", unit, "-p", "MainPID", "--value");
    }

    private static String subscribe(String topic, String arg) {
        return "{\"type\":\"subscribe\",\"topic\":\"" + topic + "\",\"arg\":\"" + arg.replace("\"", "\\\"") + "\"}";
    }

    private static String nextError(LinkedBlockingQueue<String> received) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String m = received.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && JSON.readTree(m).path("type").asString().equals("error")) {
                return JSON.readTree(m).path("message").asString();
            }
        }
        throw new AssertionError("no error message");
    }

    private static String newToken(WebSession web, String name) {
        var r = web.postForm("/tokens", "name=" + enc(name) + "&days=1&_csrf=" + enc(web.pageToken("/tokens")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Matcher m = SECRET.matcher(r.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private HttpResponse<String> api(String method, String path, String token) {
        return api(method, path, token, null);
    }

    private HttpResponse<String> api(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
