package io.hostdeck.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.WebSession;
import tools.jackson.databind.JsonNode;

/**
 * Terminals over the live channel against the testbed: a host shell that acts on the testbed and is
 * recorded (without what it did not echo), a console inside an unshare container, who is refused,
 * two at once, and the hostile pages: a stalled reader, a flood of input, a huge resize, a binary
 * frame; and the end of the login session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TerminalIT extends AppOnTestbed {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Pattern ROW = Pattern.compile(
            "<tr[^>]* data-id=\"((?:pid|net|mnt)-[0-9]+)\"[^>]*>(.*?)</tr>", Pattern.DOTALL);
    private final List<String> units = new ArrayList<>();

    @AfterAll
    void stopUnits() {
        for (String unit : units) {
            testbed().exec(T, "systemctl", "stop", unit);
        }
    }

    private static Path recording(JsonNode opened) {
        return AUDIT_FILE.getParent().resolve("terminals").resolve(opened.path("recording").asString());
    }

    /** The audit file's terminal-close line that mentions {@code text} (its recording, its reason), waited for. */
    private static String closeRecord(String text) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(AUDIT_FILE)) {
                if (line.contains("\"terminal-close\"") && line.contains(text)) {
                    return line;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no terminal-close record with " + text);
    }

    @Test
    void aHostShellActsOnTheTestbedAsItsAccountAndIsRecordedWithoutWhatItDidNotEcho() throws Exception {
        WebSession web = logIn("admin");
        try (TermClient t = new TermClient(web, "host1")) {
            t.open("host", "", 100, 30);
            JsonNode opened = t.awaitOpened();
            assertThat(opened.path("target").asString()).isEqualTo("host shell");
            assertThat(opened.path("as").asString()).isEqualTo("root");
            t.type("cd; echo hd-$((6*7)) > hd-term-file; echo host=$(hostname) cwd=$(pwd) cols=$(tput cols); echo ok-$((1+1))\r");
            String out = t.awaitOutput("ok-2", WAIT);
            // the testbed's hostname and root's home there: the shell runs in the target's namespaces
            assertThat(out).contains("host=" + inTestbed("hostname")).contains("cwd=/root").contains("cols=100");
            assertThat(Files.readString(testbed().root().resolve("root/hd-term-file")).strip()).isEqualTo("hd-42");

            // a password prompt: what is typed but not echoed is kept nowhere
            t.type("read -s -p 'password: ' PW; echo; echo length-${#PW}\r");
            t.awaitOutput("password: ", WAIT);
            t.type("sekret-not-kept\r");
            t.awaitOutput("length-15", WAIT);

            t.send(t.message("term.resize").put("cols", 120).put("rows", 40));
            t.type("echo size=$(stty size)\r");
            t.awaitOutput("size=40 120", WAIT);

            t.type("exit 7\r");
            JsonNode exit = t.awaitExit(WAIT);
            assertThat(exit.path("reason").asString()).isEqualTo("the shell exited with 7");
            assertThat(exit.path("code").asInt()).isEqualTo(7);

            Path cast = recording(opened);
            String record = closeRecord(cast.getFileName().toString());
            assertThat(record).contains("\"user\":\"admin\"").contains("\"target\":\"host shell\"")
                    .contains("\"result\":\"the shell exited with 7\"").contains("\"started\":").contains("\"ended\":")
                    .containsPattern("\"output-bytes\":\"[1-9][0-9]*\"").containsPattern("\"input-bytes\":\"[1-9][0-9]*\"");
            assertThat(Files.getPosixFilePermissions(cast)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(cast.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            List<String> lines = Files.readAllLines(cast);
            JsonNode header = TermClient.JSON.readTree(lines.get(0));
            assertThat(header.path("version").asInt()).isEqualTo(2);
            assertThat(header.path("width").asInt()).isEqualTo(100);
            StringBuilder recorded = new StringBuilder();
            int inputs = 0;
            for (String line : lines.subList(1, lines.size())) {
                JsonNode e = TermClient.JSON.readTree(line);
                switch (e.get(1).asString()) {
                    case "o" -> recorded.append(e.get(2).asString());
                    case "i" -> {
                        inputs++;
                        assertThat(e.get(2).asString()).as("input is kept as its timing only").isEmpty();
                    }
                    case "r" -> assertThat(e.get(2).asString()).isEqualTo("120x40");
                    default -> throw new AssertionError("unknown event " + line);
                }
            }
            assertThat(recorded.toString()).as("the recording holds what the page saw").isEqualTo(t.output());
            assertThat(inputs).isEqualTo(5);
            assertThat(String.join("\n", lines)).doesNotContain("sekret");
        }
    }

    @Test
    void aConsoleInAnUnshareContainerSeesItsOwnHostnameAndPidOne() throws Exception {
        testbed().exec(T, "systemd-run", "--unit=hd-term-ns", "--property=TimeoutStopSec=2", "unshare", "--pid", "--mount",
                "--uts", "--fork", "--mount-proc", "sh", "-c", "hostname hd-console; exec sleep 1093");
        units.add("hd-term-ns.service");
        WebSession web = logIn("admin");
        String id = awaitContainer(web, "sleep 1093");
        assertThat(web.get("/containers/" + id + "/console").statusCode()).isEqualTo(200);
        try (TermClient t = new TermClient(web, "console1")) {
            t.open("console", id, 80, 24);
            JsonNode opened = t.awaitOpened();
            assertThat(opened.path("target").asString()).startsWith("console " + id);
            t.type("echo name=$(hostname) init=$(cat /proc/1/comm) me=$$ end-$((2+3)); exit\r");
            String out = t.awaitOutput("end-5", WAIT);
            assertThat(t.awaitExit(WAIT).path("reason").asString()).isEqualTo("the shell exited with 0");
            assertThat(out).contains("name=hd-console").contains("init=sleep");
            Matcher me = Pattern.compile("me=([0-9]+)").matcher(out.substring(out.lastIndexOf("name=hd-console")));
            assertThat(me.find()).isTrue();
            assertThat(Long.parseLong(me.group(1))).as("a PID of the container's namespace").isLessThan(10);
            assertThat(closeRecord(opened.path("recording").asString())).contains("\"as\":\"root\"");
        }
    }

    private String awaitContainer(WebSession web, String command) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String page = "";
        while (System.nanoTime() < deadline) {
            page = web.get("/containers").body();
            Matcher m = ROW.matcher(page);
            while (m.find()) {
                if (m.group(2).contains(command)) {
                    return m.group(1);
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no container running '" + command + "' in\n" + page);
    }

    @Test
    void aViewerAnOperatorAndAScopedOperatorAreRefused() throws Exception {
        for (String user : List.of("viewer", "operator", "appop")) {
            WebSession web = logIn(user);
            assertThat(web.get("/terminal").statusCode()).as(user + "'s /terminal").isEqualTo(403);
            try (TermClient t = new TermClient(web, "no-" + user)) {
                t.open("host", "", 80, 24);
                JsonNode exit = t.awaitExit(WAIT);
                assertThat(exit.path("reason").asString()).as(user).startsWith("refused: terminals are for");
                assertThat(t.opened).isNull();
            }
        }
        assertThat(Files.readString(AUDIT_FILE)).contains("\"user\":\"appop\"")
                .containsPattern("\"user\":\"viewer\"[^\\n]*\"action\":\"terminal-open\"[^\\n]*\"result\":\"refused: ");
    }

    @Test
    void twoTerminalsAtOnceEachWithItsOwnShell() throws Exception {
        WebSession web = logIn("admin");
        try (TermClient a = new TermClient(web, "two-a"); TermClient b = new TermClient(web, "two-b")) {
            a.open("host", "", 80, 24);
            b.open("host", "", 80, 24);
            a.awaitOpened();
            b.awaitOpened();
            a.type("echo a-$$-$((2*21))\r");
            b.type("echo b-$$-$((2*22))\r");
            String outA = a.awaitOutput("-42", WAIT);
            String outB = b.awaitOutput("-44", WAIT);
            assertThat(outA).doesNotContain("-44");
            assertThat(outB).doesNotContain("-42");
            assertThat(a.opened.path("recording").asString()).isNotEqualTo(b.opened.path("recording").asString());
        }
    }

    @Test
    void aUserHasAtMostFourTerminals() throws Exception {
        WebSession web = logIn("admin");
        List<TermClient> clients = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (int i = 0; i < 4; i++) {
                TermClient t = new TermClient(web, "cap" + i);
                clients.add(t);
                // the terminals of the tests before end as their sockets close: wait for that
                while (true) {
                    t.exit = null;
                    t.open("host", "", 80, 24);
                    try {
                        t.awaitOpened();
                        break;
                    } catch (AssertionError refused) {
                        assertThat(System.nanoTime()).as(refused.getMessage()).isLessThan(deadline);
                        Thread.sleep(200);
                    }
                }
            }
            TermClient fifth = new TermClient(web, "cap4");
            clients.add(fifth);
            fifth.open("host", "", 80, 24);
            assertThat(fifth.awaitExit(WAIT).path("reason").asString())
                    .isEqualTo("refused: you have 4 terminals open, at most 4 (hostdeck.terminal.max-per-user)");
        } finally {
            clients.forEach(TermClient::close);
        }
    }

    @Test
    void aPageThatStopsReadingEndsItsTerminalAndNoOtherOne() throws Exception {
        WebSession web = logIn("admin");
        try (TermClient stalled = new TermClient(web, "stalled", false, false); TermClient other = new TermClient(web, "other")) {
            stalled.open("host", "", 80, 24);
            other.open("host", "", 80, 24);
            other.awaitOpened();
            long started = System.nanoTime();
            // opened (read), then a flood of output that it never reads nor acknowledges
            Thread.sleep(500);
            stalled.type("yes hd-stall-output-line\r");
            String record = closeRecord("stopped reading");
            assertThat(record).as("ended for not reading, after %.1f s", (System.nanoTime() - started) / 1e9)
                    .contains("the page stopped reading the terminal's output for 5 s");
            assertThat(inTestbed("sh", "-c", "pgrep -c -x yes || true")).as("its shell and `yes` are gone").isEqualTo("0");
            other.type("echo still-$((40+2))\r");
            assertThat(other.awaitOutput("still-42", WAIT)).isNotEmpty();
        }
    }

    @Test
    void hostileMessagesEndOnlyTheirTerminal() throws Exception {
        WebSession web = logIn("admin");
        try (TermClient other = new TermClient(web, "bystander")) {
            other.open("host", "", 80, 24);
            other.awaitOpened();

            try (TermClient huge = new TermClient(web, "huge")) {
                huge.open("host", "", 80, 24);
                huge.awaitOpened();
                huge.send(huge.message("term.resize").put("cols", 100000).put("rows", 5));
                assertThat(huge.awaitExit(WAIT).path("reason").asString()).startsWith("bad resize: a terminal of 100000x5");
            }
            try (TermClient flood = new TermClient(web, "flood")) {
                flood.open("host", "", 80, 24);
                flood.awaitOpened();
                // nobody reads the terminal's input while it sleeps, and without canonical mode the pty keeps it all
                flood.type("stty -icanon -echo; sleep 60\r");
                Thread.sleep(500);
                String piece = "x".repeat(4000);
                for (int i = 0; i < 400 && flood.exit == null; i++) {
                    flood.type(piece);
                }
                assertThat(flood.awaitExit(WAIT).path("reason").asString()).startsWith("input flood");
            }
            try (TermClient binary = new TermClient(web, "binary")) {
                binary.open("host", "", 80, 24);
                JsonNode opened = binary.awaitOpened();
                binary.sendBinary();
                assertThat(closeRecord(opened.path("recording").asString())).contains("the page closed its connection");
            }
            try (TermClient bad = new TermClient(web, "bad")) {
                bad.open("console", "../../etc", 80, 24);
                assertThat(bad.awaitExit(WAIT).path("reason").asString()).contains("is not a container id");
                bad.exit = null;
                bad.send(bad.message("term.open").put("kind", "host").put("cols", 0).put("rows", 24));
                assertThat(bad.awaitExit(WAIT).path("reason").asString()).contains("refused");
            }
            other.type("echo alive-$((50+5))\r");
            assertThat(other.awaitOutput("alive-55", WAIT)).isNotEmpty();
        }
    }

    @Test
    void aTerminalEndsWithItsLoginSession() throws Exception {
        WebSession web = logIn("admin");
        try (TermClient t = new TermClient(web, "session")) {
            t.open("host", "", 80, 24);
            String recording = t.awaitOpened().path("recording").asString();
            t.type("sleep 1004\r");
            String token = web.pageToken("/");
            web.postForm("/logout", "_csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            // Tomcat closes the socket of a session that ends, or the reaper finds the session gone: either way
            assertThat(closeRecord(recording)).contains("\"result\":\"the login session ended\"");
            assertThat(inTestbed("sh", "-c", "pgrep -c -f 'slee[p] 1004' || true")).as("its shell is gone").isEqualTo("0");
        }
    }
}
