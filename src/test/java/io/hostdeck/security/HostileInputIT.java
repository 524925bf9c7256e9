package io.hostdeck.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.WebSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile input against every form and URL parameter, as an admin (who may do the most): each
 * gets a 4xx whose body names the problem, and the testbed is checked unchanged afterwards
 * (unit files, runtime drop-ins, the probe unit's state and limits).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT extends AppOnTestbed {

    private static final String PROBE = "hd-hostile.service";
    private static final String LONG = "a".repeat(300);

    private WebSession admin;
    private String token;
    private String before;

    /** One hostile request: GET path, or POST path with a form; the status and a fragment the body must hold. */
    record Case(String what, String method, String path, String form, int status, String says) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        String u = "/services/" + PROBE;
        // unit names in paths
        c.add(get("path traversal in a unit", "/services/..%2F..%2Fetc%2Fpasswd", 400, "Refused"));
        c.add(get("shell metacharacters in a unit", "/services/" + enc("x;reboot.service"), 400, "Refused"));
        c.add(get("shell pipe in a unit", "/services/" + enc("x|reboot.service"), 400, "unit"));
        c.add(post("newline in a unit name", "/services/" + enc("x\nb.service") + "/start", "", 400, ""));
        c.add(post("overlong unit name", "/services/" + LONG + ".service/start", "", 400, "unit"));
        // Tomcat refuses a NUL in the path itself, before any of ours runs: a bare "Bad Request"
        c.add(post("NUL in a unit name", "/services/x%00.service/start", "", 400, "Bad Request"));
        c.add(post("unicode look-alike unit", "/services/" + enc("hd-h\u043Estile.service") + "/start", "", 400, "unit"));
        c.add(post("unknown action", u + "/obliterate", "", 404, ""));
        // kill
        c.add(post("unknown signal", u + "/kill", "signal=SIGSEGV", 400, "signal"));
        c.add(post("signal with a shell tail", u + "/kill", "signal=" + enc("SIGTERM;reboot"), 400, "signal"));
        c.add(post("numeric signal", u + "/kill", "signal=9", 400, "signal"));
        // limits
        c.add(post("negative memory", u + "/limits", "MemoryMax=-1&mode=runtime", 400, "MemoryMax"));
        c.add(post("huge memory", u + "/limits", "MemoryMax=99999999999999999999999&mode=runtime", 400, "MemoryMax"));
        c.add(post("memory unit unknown", u + "/limits", "MemoryMax=12Q&mode=runtime", 400, "MemoryMax"));
        c.add(post("CPU quota words", u + "/limits", "CPUQuota=lots&mode=runtime", 400, "CPUQuota"));
        c.add(post("negative tasks", u + "/limits", "TasksMax=-5&mode=runtime", 400, "TasksMax"));
        c.add(post("tasks in exponent form", u + "/limits", "TasksMax=1e9&mode=runtime", 400, "TasksMax"));
        c.add(post("newline injected into a limit", u + "/limits", "MemoryMax=" + enc("1G\nExecStart=/bin/sh") + "&mode=runtime", 400, "MemoryMax"));
        c.add(post("unknown limit mode", u + "/limits", "TasksMax=5&mode=forever", 400, "mode"));
        // unit file form
        String ok = "&Type=simple&Restart=on-failure&WantedBy=multi-user.target&ExecStart=" + enc("/bin/sleep 1");
        c.add(post("unit name with traversal", "/services/new", "Name=" + enc("../../etc/passwd") + ok, 400, "Name"));
        c.add(post("unit name with a space", "/services/new", "Name=" + enc("a b") + ok, 400, "Name"));
        c.add(post("unit name look-alike", "/services/new", "Name=" + enc("hd-\u0430pp") + ok, 400, "Name"));
        c.add(post("newline injection into ExecStart", "/services/new", "Name=hd-evil&Type=simple&Restart=no&ExecStart="
                + enc("/bin/true\n[Service]\nUser=root"), 400, "ExecStart"));
        c.add(post("newline injection into Description", "/services/new", "Name=hd-evil&Description="
                + enc("x\nExecStartPre=/bin/rm -rf /") + ok, 400, "Description"));
        c.add(post("NUL in Description", "/services/new", "Name=hd-evil&Description=" + enc("x\u0000y") + ok, 400, "Description"));
        c.add(post("relative ExecStart", "/services/new", "Name=hd-evil&Type=simple&Restart=no&ExecStart=" + enc("sleep 1"), 400, "ExecStart"));
        c.add(post("unknown Type", "/services/new", "Name=hd-evil&Type=evil&Restart=no&ExecStart=" + enc("/bin/true"), 400, "Type"));
        c.add(post("User with shell", "/services/new", "Name=hd-evil&User=" + enc("root;id") + ok, 400, "User"));
        c.add(post("negative RestartSec", "/services/new", "Name=hd-evil&RestartSec=-3" + ok, 400, "RestartSec"));
        c.add(post("overlong Description", "/services/new", "Name=hd-evil&Description=" + "d".repeat(5000) + ok, 400, "Description"));
        c.add(post("zero-width in a unit name", "/services/new", "Name=" + enc("hd-\u200Bx") + ok, 400, "Name"));
        // cgroups
        c.add(get("cgroup traversal", "/cgroups/..%2F..%2Fetc", 400, "Refused"));
        c.add(get("unknown sort", "/cgroups?sort=" + enc("cpu;drop"), 400, "sort"));
        c.add(get("negative depth", "/cgroups?depth=-1", 400, "depth"));
        c.add(get("huge depth", "/cgroups?depth=99999999999", 400, "depth"));
        c.add(get("unknown range", "/cgroups/system.slice?range=1y", 400, "range"));
        c.add(post("raw limits outside the tree", "/cgroups/limits", "path=" + enc("/../etc") + "&MemoryMax=1G", 400, "path"));
        // logs
        c.add(get("unknown priority", "/logs?priority=loud", 400, "priority"));
        c.add(get("unparseable since", "/logs?since=" + enc("yesterday-ish"), 400, "since"));
        c.add(get("invalid regex", "/logs?grep=" + enc("(unclosed"), 400, "grep"));
        c.add(get("unit traversal in logs", "/logs?unit=" + enc("../x"), 400, "unit"));
        c.add(get("command substitution as a unit", "/logs?unit=" + enc("$(reboot)"), 400, "unit"));
        c.add(get("lower-case journal field", "/logs?match=" + enc("message=x"), 400, "match"));
        c.add(get("boot offset words", "/logs?boot=" + enc("last one"), 400, "boot"));
        c.add(get("forged cursor", "/logs?cursor=" + enc("s=0;i=1;b=nope"), 400, "cursor"));
        c.add(get("option smuggled as a unit", "/logs?unit=" + enc("--output=verbose"), 400, "unit"));
        c.add(get("unknown log filter", "/logs?sinse=today", 400, "sinse"));
        c.add(get("costly grep behind an alternative", "/logs?grep=" + enc("^x|(a+)+$"), 400, "grep"));
        c.add(get("costly grep in a download", "/logs/download?grep=" + enc("(x|xx)*y"), 400, "grep"));
        c.add(get("back-reference grep", "/logs?grep=" + enc("(a)\\1"), 400, "grep"));
        // power and rescue states: confirmed by the host's name, or nothing happens
        c.add(post("power target unconfirmed", "/services/poweroff.target/start", "", 400, "type the host"));
        c.add(post("power target wrongly confirmed", "/services/reboot.target/start", "confirm=localhost", 400, "confirm"));
        c.add(post("power service unconfirmed", "/services/systemd-halt.service/restart", "", 400, "confirm"));
        c.add(post("signal to a power target unconfirmed", "/services/rescue.target/kill", "signal=SIGTERM", 400, "confirm"));
        // containers and namespaces
        c.add(get("container traversal", "/containers/..%2F..%2Fetc", 400, "Refused"));
        c.add(get("overlong container id", "/containers/pid-" + "9".repeat(40), 400, "id"));
        c.add(get("container id with shell", "/containers/" + enc("pid-1;id"), 400, "Refused"));
        c.add(get("container id with a pipe", "/containers/" + enc("pid-1|id"), 400, "id"));
        c.add(post("empty exec", "/containers/pid-4026531836/exec", "command=", 400, "command"));
        c.add(post("NUL in exec", "/containers/pid-4026531836/exec", "command=" + enc("id\u0000x"), 400, "command"));
        c.add(post("too many exec arguments", "/containers/pid-4026531836/exec", "command=" + enc("x ".repeat(100)), 400, "command"));
        c.add(get("negative pid", "/namespaces?pid=-1", 400, "pid"));
        c.add(get("pid with shell", "/namespaces?pid=" + enc("1;id"), 400, "pid"));
        c.add(get("unknown sandboxes value", "/containers?sandboxes=yes", 400, "sandboxes"));
        // audit and sessions
        c.add(get("audit since words", "/audit?since=tomorrow", 400, "since"));
        c.add(get("audit result words", "/audit?result=maybe", 400, "result"));
        c.add(get("overlong audit user", "/audit?user=" + LONG, 400, "user"));
        c.add(get("control character in audit filter", "/audit?action=" + enc("a\u0007b"), 400, "action"));
        c.add(post("forged session key", "/sessions/" + enc("../x") + "/end", "", 400, ""));
        c.add(post("session key not hex", "/sessions/zzzzzzzzzzzzzzzz/end", "", 400, "session"));
        return c.stream();
    }

    private static Case get(String what, String path, int status, String says) {
        return new Case(what, "GET", path, null, status, says);
    }

    private static Case post(String what, String path, String form, int status, String says) {
        return new Case(what, "POST", path, form, status, says);
    }

    @BeforeAll
    void probe() throws Exception {
        Files.writeString(testbed().root().resolve("etc/systemd/system/" + PROBE), "[Service]\nExecStart=/bin/sleep infinity\n");
        ctl("daemon-reload");
        ctl("start", PROBE);
        admin = logIn("admin");
        token = admin.pageToken("/services/" + PROBE);
        before = state();
    }

    @AfterAll
    void remove() throws Exception {
        ctl("stop", PROBE);
        Files.deleteIfExists(testbed().root().resolve("etc/systemd/system/" + PROBE));
        ctl("daemon-reload");
    }

    /** What a hostile request must not change. */
    private String state() {
        return inTestbed("sh", "-c", "ls -la /etc/systemd/system /run/systemd/system 2>&1; systemctl show " + PROBE
                + " -p ActiveState -p MemoryMax -p TasksMax -p CPUQuotaPerSecUSec -p MainPID; systemctl list-units"
                + " --all --plain --no-legend 'hd-*' | sort");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithAMessageAndChangesNothing(Case c) {
        HttpResponse<String> r = c.method().equals("GET") ? admin.get(c.path())
                : admin.postForm(c.path(), (c.form().isEmpty() ? "" : c.form() + "&") + "_csrf=" + enc(token));
        assertThat(r.statusCode()).as("%s %s\n%s", c.method(), c.path(), r.body()).isEqualTo(c.status());
        if (!c.says().isEmpty()) {
            assertThat(r.body()).as("the message names the problem").contains(c.says());
        }
        assertThat(state()).as("nothing changed on the testbed").isEqualTo(before);
    }

    @ParameterizedTest(name = "live: {0}")
    @MethodSource("forgedSubscriptions")
    void aForgedLiveSubscriptionGetsAnErrorThatSaysWhy(String message, String says) throws Exception {
        var received = new LinkedBlockingQueue<String>();
        var ws = admin.openLive(admin.base(), received).get(10, TimeUnit.SECONDS);
        try {
            ws.sendText(message, true).join();
            JsonMapper json = JsonMapper.builder().build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                String m = received.poll(100, TimeUnit.MILLISECONDS);
                if (m != null) {
                    JsonNode n = json.readTree(m);
                    if (n.path("type").asString().equals("error")) {
                        assertThat(n.path("message").asString()).contains(says);
                        return;
                    }
                }
            }
            throw new AssertionError("no error for " + message);
        } finally {
            ws.abort();
        }
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> forgedSubscriptions() {
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"subscribe\",\"topic\":\"unit\",\"arg\":\"../../etc/shadow\"}", "unit"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"subscribe\",\"topic\":\"unit\",\"arg\":\"x;reboot.service\"}", "unit"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"subscribe\",\"topic\":\"cgroup\",\"arg\":\"/../../etc\"}", "cgroup"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"subscribe\",\"topic\":\"logs\",\"arg\":\"unit=$(reboot)\"}", "logs"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"subscribe\",\"topic\":\"" + "t".repeat(5000) + "\"}", "message too long"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"subscribe\",\"topic\":\"" + "t".repeat(500) + "\"}", "unknown topic"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"sub\u0000scribe\"}", "not JSON"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"unsubscribe-all\"}", "unknown message type"),
                org.junit.jupiter.params.provider.Arguments.of("not json at all", "not JSON"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
