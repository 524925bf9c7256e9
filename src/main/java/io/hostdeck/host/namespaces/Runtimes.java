package io.hostdeck.host.namespaces;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which runtime made a container, and its id there, from the cgroup the runtime put it in. */
public final class Runtimes {

    /** A runtime and the id or name it gives the container. */
    public record Identity(String runtime, String id) {
    }

    private record Rule(String runtime, Pattern pattern) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule("hostdeck", Pattern.compile("(?:^|/)hostdeck-sandbox-([a-z0-9-]+)\\.service(?:/|$)")),
            new Rule("docker", Pattern.compile("(?:^|/)docker-([0-9a-f]{12,64})\\.scope(?:/|$)")),
            new Rule("docker", Pattern.compile("(?:^|/)docker/([0-9a-f]{12,64})(?:/|$)")),
            new Rule("podman", Pattern.compile("(?:^|/)libpod-(?:conmon-)?([0-9a-f]{12,64})\\.scope(?:/|$)")),
            // --cgroups=split (Quadlet's): the container below its service's cgroup
            new Rule("podman", Pattern.compile("(?:^|/)libpod-payload-([0-9a-f]{12,64})(?:/|$)")),
            new Rule("containerd", Pattern.compile("(?:^|/)cri-containerd-([0-9a-f]{12,64})\\.scope(?:/|$)")),
            new Rule("cri-o", Pattern.compile("(?:^|/)crio-([0-9a-f]{12,64})\\.scope(?:/|$)")),
            new Rule("nspawn", Pattern.compile("(?:^|/)systemd-nspawn@([^/]+)\\.service(?:/|$)")),
            new Rule("nspawn", Pattern.compile("(?:^|/)machine-([^/]+)\\.scope(?:/|$)")),
            new Rule("lxc", Pattern.compile("(?:^|/)lxc\\.payload\\.([^/]+)(?:/|$)")),
            new Rule("lxc", Pattern.compile("(?:^|/)lxc/([^/]+)(?:/|$)")));

    private Runtimes() {
    }

    public static Identity of(String cgroup) {
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(cgroup);
            if (m.find()) {
                return new Identity(rule.runtime(), unescape(m.group(1)));
            }
        }
        return new Identity("unshare", "");
    }

    /** systemd escapes '-' in unit names as "\x2d" (machine-foo\x2dbar.scope). */
    private static String unescape(String name) {
        return name.replace("\\x2d", "-");
    }
}
