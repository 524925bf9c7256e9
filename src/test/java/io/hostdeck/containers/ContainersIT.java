package io.hostdeck.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.hostdeck.support.AppOnTestbed;
import io.hostdeck.support.WebSession;

/**
 * Containers as the kernel shows them, on the testbed: processes started there with
 * {@code unshare} (no runtime at all) are found, shown with exactly their own namespaces, and can
 * be frozen, thawed, entered and stopped; each role may do only its part.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainersIT extends AppOnTestbed {

    private static final Pattern ROW = Pattern.compile(
            "<tr[^>]* data-id=\"((?:pid|net|mnt)-[0-9]+)\"[^>]*>(.*?)</tr>", Pattern.DOTALL);
    private final List<String> units = new ArrayList<>();

    /**
     * Ends every unit a test started, even when that test failed half way (a unit whose init
     * ignores SIGTERM under systemd's 90 s stop timeout): later classes share the testbed
     * and must not find these containers.
     */
    @AfterAll
    void stopUnits() {
        List<String> failed = new ArrayList<>();
        for (String unit : units) {
            try {
                inTestbed("sh", "-c", "systemctl kill --signal=SIGKILL \"$1\"; systemctl stop \"$1\"; "
                        + "systemctl reset-failed \"$1\"; true", "sh", unit);
            } catch (RuntimeException e) {
                failed.add(unit + ": " + e.getMessage());
            }
        }
        assertThat(failed).as("units this class could not end").isEmpty();
    }

    /** Starts {@code argv} in the testbed as a transient service (its own cgroup), through unshare. */
    private void start(String unit, String... argv) {
        List<String> cmd = new ArrayList<>(List.of("systemd-run", "--unit=" + unit, "--property=CPUQuota=20%",
                // the init of a PID namespace ignores SIGTERM it has no handler for: systemd then waits this long
                "--property=TimeoutStopSec=2"));
        cmd.addAll(List.of(argv));
        inTestbed(cmd.toArray(String[]::new));
        units.add(unit);
    }

    /** The container whose row mentions {@code command}, polled for until {@code seconds} pass: its id and row HTML. */
    private String[] await(WebSession web, String command, double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        String page = "";
        while (System.nanoTime() < deadline) {
            page = web.get("/containers").body();
            Matcher m = ROW.matcher(page);
            while (m.find()) {
                // seen before unshare's fork, a container has the id of its network or mount
                // namespace, and its page sends on to the id it keeps: the row to return is that one's
                if (m.group(2).contains(command) && web.get("/containers/" + m.group(1)).statusCode() == 200) {
                    return new String[] { m.group(1), m.group(2) };
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no container running '" + command + "' within " + seconds + " s in\n" + page);
    }

    private static final Pattern STOP_ROW = Pattern.compile(
            "<tr data-id=\"((?:pid|net|mnt)-[0-9]+)\" data-state=\"([a-z]+)\">.*?<td class=\"stop-outcome\">([^<]*)</td>",
            Pattern.DOTALL);

    /**
     * The stop of container {@code id} as the list page shows it once it is no longer "stopping":
     * its state and outcome. A stop answers at once; this waits (up to {@code seconds}) for its end.
     */
    /**
     * The list's first row whose cells hold {@code text}, as {id, row}, waiting up to 20 s for it to
     * appear (null when it does not).
     */
    static String[] listedRow(WebSession web, String text) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Matcher m = ROW.matcher(web.get("/containers").body());
            while (m.find()) {
                if (m.group(2).contains(text)) {
                    return new String[] {m.group(1), m.group(2)};
                }
            }
            Thread.sleep(200);
        }
        return null;
    }

    static String[] stopped(WebSession web, String id, double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        String page = "";
        while (System.nanoTime() < deadline) {
            page = web.get("/containers").body();
            Matcher m = STOP_ROW.matcher(page);
            while (m.find()) {
                if (m.group(1).equals(id) && !m.group(2).equals("stopping")) {
                    return new String[] { m.group(2), m.group(3).replace("&#39;", "'") };
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the stop of " + id + " did not end within " + seconds + " s:\n" + page);
    }

    private static List<String> badges(String row) {
        Matcher ns = Pattern.compile("<td class=\"ns\">(.*?)</td>", Pattern.DOTALL).matcher(row);
        assertThat(ns.find()).isTrue();
        List<String> out = new ArrayList<>();
        Matcher b = Pattern.compile(">([a-z]+)</span>").matcher(ns.group(1));
        while (b.find()) {
            out.add(b.group(1));
        }
        return out;
    }

    @Test
    void anUnshareProcessIsFoundWithExactlyItsNamespacesEnteredAndStopped() throws Exception {
        var web = logIn("admin");
        long started = System.nanoTime();
        start("hd-ns-sleep", "unshare", "--pid", "--net", "--mount", "--uts", "--fork", "sh", "-c",
                "hostname hd-sandbox; exec sleep 1001");
        String[] found = await(web, "sleep 1001", 2.0); // two sampling ticks
        double seconds = (System.nanoTime() - started) / 1e9;
        String id = found[0];
        assertThat(id).startsWith("pid-");
        assertThat(badges(found[1])).as("within %.2f s", seconds).containsExactly("pid", "net", "mnt", "uts");
        assertThat(found[1]).contains("<td class=\"runtime\">unshare</td>").contains("(1 inside)");

        String detail = web.get("/containers/" + id).body();
        assertThat(detail).contains("id=\"container-cgroup\"").contains("/system.slice/hd-ns-sleep.service")
                .contains("hd-ns-sleep.service#limits");
        Matcher init = Pattern.compile("id=\"container-init\">([0-9]+)<").matcher(detail);
        assertThat(init.find()).isTrue();
        assertThat(web.get("/namespaces?pid=" + init.group(1)).body()).contains("no, its own").contains("id=\"process-ns\"");

        String token = web.pageToken("/containers/" + id);
        String hostname = web.postForm("/containers/" + id + "/exec", "_csrf=" + enc(token) + "&command=hostname").body();
        assertThat(hostname).contains("hostname: exit 0").containsPattern("id=\"exec-result\">hd-sandbox\\s*<");
        String links = web.postForm("/containers/" + id + "/exec", "_csrf=" + enc(token) + "&command=" + enc("ip -o link")).body();
        assertThat(links).as("a network namespace of its own: only lo").contains("exit 0").contains("lo:")
                .doesNotContain("host0").doesNotContain("eth0");

        var stop = web.postForm("/containers/" + id + "/stop", "_csrf=" + enc(token));
        assertThat(stop.statusCode()).isEqualTo(302);
        String[] ended = stopped(web, id, 30);
        assertThat(ended[0]).as(ended[1]).isEqualTo("ended");
        assertThat(ended[1]).contains("unit hd-ns-sleep.service");
        assertThat(inTestbed("systemctl", "is-active", "hd-ns-sleep.service")).isNotEqualTo("active");
        assertThat(inTestbed("sh", "-c", "pgrep -f '^sleep 1001$' || true")).as("no process left").isEmpty();
        assertThat(web.get("/containers").body()).doesNotContain("sleep 1001");
    }

    @Test
    void freezeStopsItsCpuAndThawResumesIt() throws Exception {
        var web = logIn("operator");
        start("hd-ns-busy", "unshare", "--pid", "--fork", "sh", "-c", "while :; do :; done");
        String id = await(web, "while :; do :; done", 5)[0];
        Path cpuStat = testbed().root().resolve("sys/fs/cgroup/unified/system.slice/hd-ns-busy.service/cpu.stat");
        assertThat(cpuMoved(cpuStat)).as("running").isPositive();

        String token = web.pageToken("/containers/" + id);
        assertThat(web.postForm("/containers/" + id + "/freeze", "_csrf=" + enc(token)).statusCode()).isEqualTo(302);
        assertThat(web.get("/containers/" + id).body()).contains("id=\"frozen\"");
        assertThat(cpuMoved(cpuStat)).as("frozen: no CPU at all").isZero();

        assertThat(web.postForm("/containers/" + id + "/thaw", "_csrf=" + enc(token)).statusCode()).isEqualTo(302);
        assertThat(cpuMoved(cpuStat)).as("thawed").isPositive();
        assertThat(web.get("/containers/" + id).body()).doesNotContain("id=\"frozen\"");
    }

    @Test
    void aContainersLimitsAreSetOnItsUnitAndShowInItsCgroupFiles() throws Exception {
        var admin = logIn("admin");
        start("hd-ns-limits", "unshare", "--pid", "--mount", "--fork", "sleep", "1003");
        String id = await(admin, "sleep 1003", 5)[0];
        String detail = admin.get("/containers/" + id).body();
        Matcher link = Pattern.compile("id=\"limits-link\" href=\"([^\"]+)#limits\"").matcher(detail);
        assertThat(link.find()).as("its unit's limits in\n%s", detail).isTrue();
        assertThat(link.group(1)).isEqualTo("/services/hd-ns-limits.service");

        String token = admin.pageToken(link.group(1));
        assertThat(admin.postForm(link.group(1) + "/limits", "_csrf=" + enc(token)
                + "&MemoryMax=48M&TasksMax=7&mode=runtime").statusCode()).isEqualTo(302);
        Path memory = testbed().root().resolve("sys/fs/cgroup/memory/system.slice/hd-ns-limits.service/memory.limit_in_bytes");
        Path pids = testbed().root().resolve("sys/fs/cgroup/pids/system.slice/hd-ns-limits.service/pids.max");
        assertThat(Files.readString(memory).strip()).isEqualTo(Long.toString(48L * 1024 * 1024));
        assertThat(Files.readString(pids).strip()).isEqualTo("7");
    }

    @Test
    void eachRoleMayOnlyItsPartAndBadInputIsNamed() throws Exception {
        start("hd-ns-roles", "unshare", "--net", "sleep", "1002");
        var viewer = logIn("viewer");
        String id = await(viewer, "sleep 1002", 5)[0];
        assertThat(id).as("the host's PID namespace, a network namespace of its own").startsWith("net-");
        String token = viewer.pageToken("/containers");
        assertThat(viewer.postForm("/containers/" + id + "/stop", "_csrf=" + enc(token)).statusCode()).isEqualTo(403);
        assertThat(viewer.postForm("/containers/" + id + "/freeze", "_csrf=" + enc(token)).statusCode()).isEqualTo(403);
        var operator = logIn("operator");
        String opToken = operator.pageToken("/containers");
        assertThat(operator.postForm("/containers/" + id + "/exec", "_csrf=" + enc(opToken) + "&command=id").statusCode())
                .isEqualTo(403);
        assertThat(inTestbed("systemctl", "is-active", "hd-ns-roles.service")).isEqualTo("active");

        var admin = logIn("admin");
        String adminToken = admin.pageToken("/containers");
        var bad = admin.get("/containers/..%2Fetc");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(admin.get("/containers/pid-123").statusCode()).isEqualTo(404);
        var empty = admin.postForm("/containers/" + id + "/exec", "_csrf=" + enc(adminToken) + "&command=");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("command");
        var nul = admin.postForm("/containers/" + id + "/exec", "_csrf=" + enc(adminToken) + "&command=" + enc("id\u0000x"));
        assertThat(nul.statusCode()).isEqualTo(400);
        assertThat(nul.body()).contains("control character");
        assertThat(admin.get("/namespaces?pid=abc").statusCode()).isEqualTo(400);
        assertThat(inTestbed("systemctl", "is-active", "hd-ns-roles.service")).as("nothing changed").isEqualTo("active");
    }

    @Test
    void aSandboxLaunchedFromTheFormRunsWithItsNamespacesAndLimitsAndIsGoneAfterStop() throws Exception {
        var admin = logIn("admin");
        String token = admin.pageToken("/containers/launch");
        var launched = admin.postForm("/containers/launch", "_csrf=" + enc(token) + "&name=hdbox1&command="
                + enc("sleep 1004") + "&namespaces=pid&namespaces=net&namespaces=mnt&namespaces=uts&namespaces=ipc"
                + "&namespaces=user&hostname=box1&uidMap=" + enc("0 100000 65536") + "&MemoryMax=64M&TasksMax=9"
                + "&CPUQuota=" + enc("25%") + "&CPUWeight=");
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(302);
        assertThat(launched.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/containers"));
        units.add("hostdeck-sandbox-hdbox1.service");

        String[] found;
        try {
            found = await(admin, "sleep 1004", 5);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nits journal:\n" + inTestbed("journalctl", "--no-pager", "-n", "30",
                    "-u", "hostdeck-sandbox-hdbox1.service"), e);
        }
        String id = found[0];
        assertThat(id).startsWith("pid-");
        assertThat(badges(found[1])).containsExactly("pid", "net", "mnt", "uts", "ipc", "user");
        assertThat(found[1]).contains("<td class=\"runtime\">hostdeck</td>").contains(">hdbox1<").contains("(1 inside)");

        String unitDir = "system.slice/hostdeck-sandbox-hdbox1.service";
        Path cg = testbed().root().resolve("sys/fs/cgroup");
        assertThat(Files.readString(cg.resolve("memory/" + unitDir + "/memory.limit_in_bytes")).strip())
                .isEqualTo(Long.toString(64L << 20));
        assertThat(Files.readString(cg.resolve("pids/" + unitDir + "/pids.max")).strip()).isEqualTo("9");
        assertThat(Files.readString(cg.resolve("cpu/" + unitDir + "/cpu.cfs_quota_us")).strip()).isEqualTo("25000");

        String detail = admin.get("/containers/" + id).body();
        assertThat(detail).as("its uid map").containsPattern("id=\"uid-map\">0\\s+100000\\s+65536<");
        String execToken = admin.pageToken("/containers/" + id);
        assertThat(admin.postForm("/containers/" + id + "/exec", "_csrf=" + enc(execToken) + "&command=hostname").body())
                .containsPattern("id=\"exec-result\">box1\\s*<");
        assertThat(admin.postForm("/containers/" + id + "/exec", "_csrf=" + enc(execToken) + "&command=" + enc("cat /proc/self/uid_map")).body())
                .as("inside its user namespace").containsPattern("0\\s+100000\\s+65536");
        String hostPid = inTestbed("sh", "-c", "pgrep -f '^sleep 1004$'");
        assertThat(inTestbed("stat", "-c", "%u", "/proc/" + hostPid)).as("root inside is 100000 outside").isEqualTo("100000");

        assertThat(admin.postForm("/containers/" + id + "/stop", "_csrf=" + enc(execToken)).statusCode()).isEqualTo(302);
        assertThat(stopped(admin, id, 30)[1]).contains("unit hostdeck-sandbox-hdbox1.service");
        assertThat(inTestbed("systemctl", "show", "-p", "LoadState", "--value", "hostdeck-sandbox-hdbox1.service"))
                .as("the unit is forgotten").isEqualTo("not-found");
        assertThat(inTestbed("sh", "-c", "pgrep -f 'sleep (1004|600)' || true")).as("no process left").isEmpty();
        assertThat(Files.exists(cg.resolve("memory/" + unitDir))).as("no cgroup left").isFalse();
        assertThat(admin.get("/containers").body()).doesNotContain("sleep 1004");
    }

    /**
     * systemd 252 stored a sandbox unit's command line so that it read it back wrong after a
     * daemon-reload, and a restart then failed: launched through the form with a command whose
     * arguments hold {@code $} and {@code ;}, reloaded and restarted through Hostdeck (D-Bus
     * {@code Reload}, {@code RestartUnit}), the sandbox runs again in new namespaces of the same
     * kinds, with its host name, uid map, limit and exactly its command.
     */
    @Test
    void aSandboxRestartedAfterADaemonReloadRunsAgainInItsNamespaces() throws Exception {
        var admin = logIn("admin");
        String unit = "hostdeck-sandbox-hdreload.service";
        units.add(unit);
        // an argument holding $ and ;, which systemd 252 read back as \$ and \; after a reload (and
        // nothing it would expand at the first start on main: ${NAME}, or $NAME as a whole word)
        String arg = "HD_ARG=a;b$HOME\\c";
        var launched = admin.postForm("/containers/launch", "_csrf=" + enc(admin.pageToken("/containers/launch"))
                + "&name=hdreload&command=" + enc("env " + arg + " sleep 1017") + "&namespaces=pid&namespaces=net&namespaces=mnt"
                + "&namespaces=uts&namespaces=user&hostname=boxreload&uidMap=" + enc("0 100000 65536") + "&TasksMax=9");
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(302);
        String first = runningAgain(admin, unit, null);

        assertThat(admin.postForm("/services/daemon-reload", "_csrf=" + enc(admin.pageToken("/services"))).statusCode())
                .isEqualTo(302);
        var restarted = admin.postForm("/services/" + unit + "/restart", "_csrf=" + enc(admin.pageToken("/services/" + unit)));
        assertThat(restarted.statusCode()).isEqualTo(302);
        assertThat(inTestbed("systemctl", "show", "-p", "SubState", "--value", unit))
                .as(inTestbed("journalctl", "--no-pager", "-o", "cat", "-n", "20", "-u", unit)).isEqualTo("running");
        String second = runningAgain(admin, unit, first);
        assertThat(inTestbed("sh", "-c", "tr '\\0' '\\n' </proc/$(pgrep -f '^sleep 1017$')/environ | grep ^HD_ARG="))
                .as("its command's argument exactly as given").isEqualTo(arg);
        String unitDir = "system.slice/" + unit;
        assertThat(Files.readString(testbed().root().resolve("sys/fs/cgroup/pids/" + unitDir + "/pids.max")).strip())
                .as("its TasksMax kept").isEqualTo("9");
        String stored = Files.readString(testbed().root().resolve("run/systemd/transient/" + unit));
        assertThat(stored).contains("StandardInput=data").contains("StandardInputData=");
        assertThat(stored.lines().filter(l -> l.startsWith("ExecStart=")).toList()).as(stored)
                .allSatisfy(l -> assertThat(l).doesNotContain("$", ";"));

        assertThat(admin.postForm("/containers/" + second + "/stop", "_csrf=" + enc(admin.pageToken("/containers/" + second)))
                .statusCode()).isEqualTo(302);
        assertThat(stopped(admin, second, 30)[1]).contains("unit " + unit);
        assertThat(inTestbed("systemctl", "show", "-p", "LoadState", "--value", unit)).as("the unit is forgotten")
                .isEqualTo("not-found");
    }

    /**
     * The sandbox {@code hdreload} running (its container other than {@code before}), checked: the
     * namespaces of its kinds, its host name and uid map inside. Its container's id.
     */
    private String runningAgain(WebSession admin, String unit, String before) throws Exception {
        String[] found = null;
        for (long deadline = System.nanoTime() + 20_000_000_000L; found == null && System.nanoTime() < deadline; ) {
            Matcher m = ROW.matcher(admin.get("/containers").body());
            while (found == null && m.find()) {
                if (m.group(2).contains("sleep 1017") && !m.group(1).equals(before)
                        && admin.get("/containers/" + m.group(1)).statusCode() == 200) {
                    found = new String[] {m.group(1), m.group(2)};
                }
            }
            if (found == null) {
                Thread.sleep(200);
            }
        }
        assertThat(found).as("within 20 s, a sandbox running sleep 1017 in new namespaces; its journal:\n"
                + inTestbed("journalctl", "--no-pager", "-o", "cat", "-n", "30", "-u", unit)).isNotNull();
        String id = found[0];
        assertThat(id).startsWith("pid-");
        assertThat(badges(found[1])).containsExactly("pid", "net", "mnt", "uts", "user");
        assertThat(found[1]).contains("<td class=\"runtime\">hostdeck</td>").contains(">hdreload<").contains("(1 inside)");
        String token = admin.pageToken("/containers/" + id);
        assertThat(admin.postForm("/containers/" + id + "/exec", "_csrf=" + enc(token) + "&command=hostname").body())
                .containsPattern("id=\"exec-result\">boxreload\\s*<");
        assertThat(admin.postForm("/containers/" + id + "/exec", "_csrf=" + enc(token) + "&command="
                + enc("cat /proc/self/uid_map")).body()).as("inside its user namespace").containsPattern("0\\s+100000\\s+65536");
        return id;
    }

    @Test
    void aMachineRegisteredWithMachinedIsListedUnderItsName() throws Exception {
        var viewer = logIn("viewer");
        start("hd-ns-machine", "unshare", "--pid", "--fork", "sleep", "1007");
        String id = await(viewer, "sleep 1007", 5)[0];
        assertThat(viewer.get("/containers").body()).as("not registered yet").doesNotContain(">hdprobe<");
        String leader = inTestbed("pgrep", "-f", "^sleep 1007$");
        // what systemd-nspawn, libvirt-lxc or any runtime does to appear in machinectl
        inTestbed("busctl", "call", "org.freedesktop.machine1", "/org/freedesktop/machine1",
                "org.freedesktop.machine1.Manager", "RegisterMachine", "sayssus", "hdprobe", "0", "hostdeck-test",
                "container", leader, "");
        assertThat(inTestbed("machinectl", "list", "--no-legend")).contains("hdprobe");

        String[] row = await(viewer, "sleep 1007", 5);
        assertThat(row[0]).isEqualTo(id);
        assertThat(row[1]).contains(">hdprobe</a>").contains("registered with systemd-machined");
        assertThat(viewer.get("/containers/" + id).body()).contains("id=\"container-machine\">hdprobe<");
    }

    @Test
    void aSandboxFormRefusesBadInputAndLowerRolesAndStartsNothing() throws Exception {
        var admin = logIn("admin");
        String token = admin.pageToken("/containers/launch");
        String ok = "&command=" + enc("sleep 1005") + "&namespaces=pid";
        String[][] bad = {
                {"name=" + enc("../x") + ok, "name"},
                {"name=hdbad" + "&command=&namespaces=pid", "command"},
                {"name=hdbad&command=sleep", "namespaces"},
                {"name=hdbad" + ok + "&namespaces=time", "namespaces"},
                {"name=hdbad" + ok + "&hostname=box", "hostname: needs a UTS namespace"},
                {"name=hdbad" + ok + "&namespaces=uts&hostname=" + enc("a b"), "hostname"},
                {"name=hdbad" + ok + "&namespaces=user&uidMap=" + enc("0 0 65536"), "uidMap: maps to root outside"},
                {"name=hdbad" + ok + "&namespaces=user&uidMap=" + enc("0 100000"), "uidMap"},
                {"name=hdbad" + ok + "&MemoryMax=12Q", "MemoryMax"},
                {"name=hdbad" + ok + "&TasksMax=0", "TasksMax"},
                {"name=hdbad" + ok + "&Delegate=yes", "Delegate: is not a field"},
        };
        for (String[] b : bad) {
            var r = admin.postForm("/containers/launch", "_csrf=" + enc(token) + "&" + b[0]);
            assertThat(r.statusCode()).as(b[0]).isEqualTo(400);
            assertThat(r.body()).as(b[0]).contains(b[1].replace("'", "&#39;"));
        }
        var operator = logIn("operator");
        assertThat(operator.get("/containers/launch").statusCode()).isEqualTo(403);
        assertThat(operator.postForm("/containers/launch", "_csrf=" + enc(operator.pageToken("/containers"))
                + "&name=hdbad" + ok).statusCode()).isEqualTo(403);
        assertThat(inTestbed("systemctl", "list-units", "--all", "--no-legend", "hostdeck-sandbox-hdbad*"))
                .as("nothing started").isEmpty();

        var missing = admin.postForm("/containers/launch", "_csrf=" + enc(token) + "&name=hdmissing&command="
                + enc("/no/such/binary") + "&namespaces=pid");
        assertThat(missing.statusCode()).isEqualTo(302);
        assertThat(admin.get("/containers").body()).as("the launch's failure is told")
                .contains("Launching hostdeck-sandbox-hdmissing.service: failed");
        assertThat(inTestbed("systemctl", "show", "-p", "LoadState", "--value", "hostdeck-sandbox-hdmissing.service"))
                .as("and nothing is left of it").isEqualTo("not-found");

        units.add("hostdeck-sandbox-hdtwice.service");
        assertThat(admin.postForm("/containers/launch", "_csrf=" + enc(token) + "&name=hdtwice" + ok).statusCode())
                .isEqualTo(302);
        var again = admin.postForm("/containers/launch", "_csrf=" + enc(token) + "&name=hdtwice" + ok);
        assertThat(again.statusCode()).as("a second sandbox of the same name").isEqualTo(409);
        assertThat(again.body()).contains("hostdeck-sandbox-hdtwice.service");

        // with PID and mount namespaces its /proc is its own: ps inside sees the sandbox alone
        units.add("hostdeck-sandbox-hdproc.service");
        assertThat(admin.postForm("/containers/launch", "_csrf=" + enc(token) + "&name=hdproc&command=" + enc("sleep 1009")
                + "&namespaces=pid&namespaces=mnt").statusCode()).isEqualTo(302);
        String id = await(admin, "sleep 1009", 5)[0];
        String execToken = admin.pageToken("/containers/" + id);
        String ps = admin.postForm("/containers/" + id + "/exec", "_csrf=" + enc(execToken) + "&command="
                + enc("ps -e -o pid=,comm=")).body();
        Matcher out = Pattern.compile("id=\"exec-result\">([^<]*)<").matcher(ps);
        assertThat(out.find()).as(ps).isTrue();
        assertThat(out.group(1).strip().lines().map(String::strip).toList()).as("ps inside")
                .hasSize(2).first().isEqualTo("1 sleep");
    }

    @Test
    void aServiceWhoseProcessMadeItsOwnPidAndNetworkNamespacesIsAContainerNotSystemdsSandboxing() throws Exception {
        var viewer = logIn("viewer");
        // what a Quadlet or any container manager in a unit looks like: systemd's sandboxing on the
        // unit (its own /tmp, so a mount namespace), and a PID and network namespace made by its process
        start("hd-ns-quadlet", "--property=PrivateTmp=yes", "--property=ProtectHostname=yes",
                "unshare", "--pid", "--net", "--fork", "sleep", "1011");
        String[] row = await(viewer, "sleep 1011", 5);
        assertThat(row[0]).startsWith("pid-");
        assertThat(row[1]).contains("<td class=\"runtime\">unshare</td>");
        assertThat(badges(row[1])).contains("pid", "net");
        String shown = viewer.get("/containers?sandboxes=shown").body();
        Matcher rows = ROW.matcher(shown);
        int ofTheUnit = 0;
        while (rows.find()) {
            if (rows.group(2).contains("sleep 1011")) {
                ofTheUnit++;
                assertThat(rows.group(2)).as("no part of the unit counts as systemd's sandboxing")
                        .doesNotContain("<td class=\"runtime\">systemd</td>");
            }
        }
        assertThat(ofTheUnit).as("the unit's processes are one container").isEqualTo(1);
    }

    @Test
    void aFrozenContainerWhoseInitIgnoresSigtermStopsWithinHostdecksGraceAndTheOutcomeIsSystemds() throws Exception {
        var operator = logIn("operator");
        // systemd's own stop timeout (90 s by default) left as it is: Hostdeck's 10 s must end it
        // (a network namespace too, so that unshare itself is the container's and the unit holds it alone)
        inTestbed("systemd-run", "--unit=hd-ns-stubborn", "unshare", "--pid", "--net", "--fork", "sleep", "1012");
        units.add("hd-ns-stubborn");
        String id = await(operator, "sleep 1012", 5)[0];
        String token = operator.pageToken("/containers/" + id);
        assertThat(operator.postForm("/containers/" + id + "/freeze", "_csrf=" + enc(token)).statusCode()).isEqualTo(302);
        assertThat(operator.get("/containers/" + id).body()).contains("id=\"frozen\"");

        var received = new java.util.concurrent.LinkedBlockingQueue<String>();
        var ws = operator.openLive(operator.base(), received).get(10, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"subscribe\",\"topic\":\"container-stops\"}", true).join();

        var stop = operator.postForm("/containers/" + id + "/stop", "_csrf=" + enc(token));
        assertThat(stop.statusCode()).as("answered at once, not after the stop").isEqualTo(302);
        assertThat(operator.get("/containers").body()).contains("Stopping " + id);

        String[] ended = stopped(operator, id, 60);
        assertThat(ended[0]).as(ended[1]).isEqualTo("ended");
        assertThat(ended[1]).startsWith("thawed, then unit hd-ns-stubborn.service")
                .contains("SIGKILL after 10 s")
                .as("what systemd ended the unit with, never just the job's 'done'").containsPattern("ended (failed|inactive) \\(");
        String state = inTestbed("systemctl", "show", "-p", "ActiveState", "--value", "hd-ns-stubborn.service");
        assertThat(ended[1]).contains("ended " + state + " (");
        assertThat(inTestbed("sh", "-c", "pgrep -f '^sleep 1012$' || true")).as("no process left").isEmpty();

        boolean stoppingSeen = false;
        boolean endSeen = false;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!endSeen && System.nanoTime() < deadline) {
            String m = received.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (m != null && m.contains("\"container-stops\"") && m.contains(id)) {
                stoppingSeen |= m.contains("\"state\":\"stopping\"");
                endSeen |= m.contains("SIGKILL after 10 s");
            }
        }
        ws.abort();
        assertThat(stoppingSeen).as("the live channel said it was stopping").isTrue();
        assertThat(endSeen).as("and how it ended").isTrue();
        assertThat(operator.postForm("/containers/" + id + "/stop", "_csrf=" + enc(token)).statusCode())
                .as("gone now").isEqualTo(404);
    }

    @Test
    void aSandboxLaunchFitsAHostTwentyTimesSlower() throws Exception {
        var admin = logIn("admin");
        String token = admin.pageToken("/containers/launch");
        units.add("hostdeck-sandbox-hdslow.service");
        // a CPU quota of 5 % makes this host a 20 times slower one for the launcher's JVM
        var launched = admin.postForm("/containers/launch", "_csrf=" + enc(token) + "&name=hdslow&command="
                + enc("sleep 1013") + "&namespaces=pid&namespaces=user&uidMap=" + enc("0 100000 65536")
                + "&CPUQuota=" + enc("5%"));
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(302);
        assertThat(admin.get("/containers").body()).as("launched, not failed").doesNotContain("Launching hostdeck-sandbox-hdslow");
        assertThat(inTestbed("systemctl", "show", "-p", "TimeoutStartUSec", "--value", "hostdeck-sandbox-hdslow.service"))
                .isEqualTo("4min 30s");
        String id = await(admin, "sleep 1013", 10)[0];
        assertThat(id).startsWith("pid-");
    }

    /** CPU µs the cgroup used over 1 s. */
    private static long cpuMoved(Path cpuStat) throws Exception {
        long before = usage(cpuStat);
        Thread.sleep(1000);
        return usage(cpuStat) - before;
    }

    private static long usage(Path cpuStat) throws Exception {
        for (String line : Files.readAllLines(cpuStat)) {
            if (line.startsWith("usage_usec ")) {
                return Long.parseLong(line.substring(11).strip());
            }
        }
        throw new AssertionError("no usage_usec in " + cpuStat);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
