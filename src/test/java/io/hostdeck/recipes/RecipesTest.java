package io.hostdeck.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.yaml.snakeyaml.Yaml;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.TargetPath;

/**
 * The Kubernetes manifest (packaging/kubernetes/hostdeck.yaml), parsed and held against what the
 * app itself says it needs: the places on the target it uses ({@link TargetPath}, resolved by
 * {@link HostProperties} from the manifest's own root), its settings' names and defaults (read from
 * the annotations and application.properties), the path of /metrics, and the privileges the systemd
 * unit documents. No cluster here: this checks the file, as the tools do for the other recipes.
 */
class RecipesTest {

    private static final Path MANIFEST = Path.of("packaging/kubernetes/hostdeck.yaml");
    private static final Path UNIT = Path.of("packaging/hostdeck.service");

    private static Map<String, Object> daemonSet;
    private static Map<String, Object> service;
    private static Map<String, Object> podSpec;
    private static Map<String, Object> container;
    private static Map<String, String> env;
    private static Map<String, Map<String, Object>> volumes;
    private static List<Map<String, Object>> mounts;
    private static String root;

    @BeforeAll
    static void parse() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(MANIFEST)) {
            new Yaml().loadAll(r).forEach(d -> docs.add(map(d)));
        }
        daemonSet = only(docs, "DaemonSet");
        service = only(docs, "Service");
        podSpec = map(map(map(daemonSet.get("spec")).get("template")).get("spec"));
        List<Map<String, Object>> containers = list(podSpec.get("containers"));
        assertThat(containers).hasSize(1);
        container = containers.get(0);
        env = new java.util.LinkedHashMap<>();
        for (Map<String, Object> e : list(container.get("env"))) {
            env.put((String) e.get("name"), e.get("value") == null ? null : String.valueOf(e.get("value")));
        }
        volumes = new java.util.LinkedHashMap<>();
        for (Map<String, Object> v : list(podSpec.get("volumes"))) {
            volumes.put((String) v.get("name"), v);
        }
        mounts = list(container.get("volumeMounts"));
        root = env.get(relaxed("hostdeck.host.root"));
        assertThat(root).as("the manifest sets the target's root").isNotNull().startsWith("/").isNotEqualTo("/");
    }

    @Test
    void everyPlaceTheAppUsesOnTheTargetIsMountedReadOnlyFromTheSamePlaceOnTheNode() {
        HostProperties host = new HostProperties(root, env.get(relaxed("hostdeck.host.bus")));
        assertThat(host.busAddress()).as("the bus is the node's socket under the root").startsWith("unix:path=" + root + "/");
        for (TargetPath place : TargetPath.values()) {
            String inPod = host.under(place).toString();
            Map<String, Object> mount = mountHolding(inPod)
                    .orElseThrow(() -> new AssertionError(place + " (" + inPod + ") is not mounted"));
            String mountPath = (String) mount.get("mountPath");
            assertThat(mount.get("readOnly")).as("%s: read-only", mountPath).isEqualTo(true);
            Map<String, Object> hostPath = map(volumes.get((String) mount.get("name")).get("hostPath"));
            assertThat(hostPath).as("%s comes from the node", mountPath).isNotNull();
            String onNode = hostPath.get("path") + inPod.substring(mountPath.length());
            assertThat(onNode).as("%s is the node's own", place).isEqualTo("/" + place.relative());
            if (place.kind() == TargetPath.Kind.SOCKET) {
                assertThat(mountPath).as("%s: its directory, as the daemon makes the socket anew on restart", place)
                        .isNotEqualTo(inPod);
            }
        }
        // the bus address the app derives is one of those places
        assertThat(host.busAddress()).isEqualTo("unix:path=" + host.under(TargetPath.SYSTEM_BUS));
    }

    @Test
    void nothingElseOfTheNodeIsMountedAndNothingOfItWritable() {
        Set<String> needed = Arrays.stream(TargetPath.values()).map(p -> root + "/" + p.relative()).collect(Collectors.toSet());
        for (Map<String, Object> mount : mounts) {
            String mountPath = (String) mount.get("mountPath");
            Map<String, Object> volume = volumes.get((String) mount.get("name"));
            assertThat(volume).as("volume of %s", mountPath).isNotNull();
            if (mountPath.equals(root) || mountPath.startsWith(root + "/")) {
                assertThat(mountPath).as("not the whole node").isNotEqualTo(root);
                assertThat(mount.get("readOnly")).as("%s: read-only", mountPath).isEqualTo(true);
                assertThat(mount.get("recursiveReadOnly")).as("%s: what is mounted below it read-only too", mountPath)
                        .isIn("IfPossible", "Enabled");
                assertThat(mount).as("recursiveReadOnly needs no propagation").doesNotContainKey("mountPropagation");
                assertThat(needed.stream().anyMatch(n -> n.equals(mountPath) || n.startsWith(mountPath + "/")))
                        .as("%s holds something the app uses (TargetPath)", mountPath).isTrue();
            } else if (volume.get("hostPath") != null) {
                // Hostdeck's own state on the node, where the systemd unit keeps it
                assertThat(map(volume.get("hostPath")).get("path")).as("%s: the node's same directory", mountPath)
                        .isEqualTo(mountPath);
                assertThat(ownStateDirectories()).as("a writable node directory is one of Hostdeck's own").contains(mountPath);
            } else {
                assertThat(volume).as("%s: scratch only", mountPath).containsKey("emptyDir");
            }
        }
        assertThat(mounts.stream().map(m -> m.get("mountPath"))).as("the app's own files and /tmp are writable")
                .containsAll(ownStateDirectories()).contains("/tmp");
    }

    @Test
    void thePodSeesTheNodesProcessesAndHasNoMoreThanTheUnitsPrivileges() throws IOException {
        assertThat(podSpec.get("hostPID")).isEqualTo(true);
        assertThat(podSpec.get("automountServiceAccountToken")).isEqualTo(false);
        Map<String, Object> security = map(container.get("securityContext"));
        assertThat(security.get("readOnlyRootFilesystem")).as("ProtectSystem=strict").isEqualTo(true);
        assertThat(security.get("allowPrivilegeEscalation")).as("NoNewPrivileges=yes").isEqualTo(false);
        assertThat(security.get("privileged")).isEqualTo(false);
        Map<String, Object> caps = map(security.get("capabilities"));
        assertThat(strings(caps.get("drop"))).containsExactly("ALL");
        Set<String> bounding = Arrays.stream(unitSetting("CapabilityBoundingSet").split("\\s+"))
                .map(c -> c.replaceFirst("^CAP_", "")).collect(Collectors.toSet());
        List<String> added = strings(caps.get("add"));
        assertThat(added).as("within the unit's CapabilityBoundingSet").isNotEmpty().allMatch(bounding::contains);
        assertThat(added).as("the namespaces and containers pages and their actions").contains("SYS_PTRACE", "SYS_ADMIN", "KILL");
        Map<String, Object> limits = map(map(container.get("resources")).get("limits"));
        assertThat(bytes((String) limits.get("memory"))).as("MemoryMax").isEqualTo(bytes(unitSetting("MemoryMax")));
    }

    @Test
    void metricsAreOffWithoutTheSecretAndPrometheusIsToldTheAppsPortAndPath() throws Exception {
        String tokenProperty = valueName(Class.forName("io.hostdeck.metrics.MetricsController"), "hostdeck.metrics.token");
        Map<String, Object> tokenEnv = list(container.get("env")).stream().filter(e -> relaxed(tokenProperty).equals(e.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + relaxed(tokenProperty)));
        Map<String, Object> secret = map(map(tokenEnv.get("valueFrom")).get("secretKeyRef"));
        assertThat(secret.get("name")).isNotNull();
        assertThat(secret.get("optional")).as("no Secret: no token, /metrics off").isEqualTo(true);

        int port = Integer.parseInt(appProperties().getProperty("server.port"));
        assertThat(env).doesNotContainKey(relaxed("server.port"));
        Map<String, Object> containerPort = list(container.get("ports")).get(0);
        assertThat(containerPort.get("containerPort")).isEqualTo(port);

        Map<String, Object> template = map(map(daemonSet.get("spec")).get("template"));
        Map<String, Object> annotations = map(map(template.get("metadata")).get("annotations"));
        String metricsPath = Class.forName("io.hostdeck.metrics.MetricsController").getDeclaredMethod("metrics", String.class)
                .getAnnotation(GetMapping.class).value()[0];
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", String.valueOf(port)).containsEntry("prometheus.io/path", metricsPath);

        Map<String, Object> spec = map(service.get("spec"));
        assertThat(spec.get("clusterIP")).as("one address per node's pod, no balancing between nodes").isEqualTo("None");
        assertThat(map(spec.get("selector"))).isEqualTo(map(map(template.get("metadata")).get("labels")));
        Map<String, Object> servicePort = list(spec.get("ports")).get(0);
        assertThat(servicePort.get("targetPort")).isIn(containerPort.get("name"), port);
    }

    /** The directories of the users file, the audit file and the TLS keystore, from the app's settings. */
    private static Set<String> ownStateDirectories() {
        Set<String> dirs = new HashSet<>();
        try {
            String users = env.getOrDefault(relaxed("hostdeck.users-file"), appProperties().getProperty("hostdeck.users-file"));
            dirs.add(Path.of(users).getParent().toString());
            dirs.add(Path.of(valueDefault(Class.forName("io.hostdeck.audit.AuditLog"), "hostdeck.audit.file")).getParent().toString());
            dirs.add(Path.of(valueDefault(Class.forName("io.hostdeck.web.Tls"), "hostdeck.tls.keystore")).getParent().toString());
        } catch (IOException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        return dirs;
    }

    /** The environment variable Spring's relaxed binding reads for a property. */
    private static String relaxed(String property) {
        return property.replace(".", "_").replace("-", "").toUpperCase(java.util.Locale.ROOT);
    }

    /** The property an {@code @Value("${name:default}")} constructor parameter of {@code type} reads; fails when none does. */
    private static String valueName(Class<?> type, String property) {
        valueExpression(type, property);
        return property;
    }

    private static String valueDefault(Class<?> type, String property) {
        String expression = valueExpression(type, property);
        return expression.substring(("${" + property + ":").length(), expression.length() - 1);
    }

    private static String valueExpression(Class<?> type, String property) {
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            for (Annotation[] annotations : c.getParameterAnnotations()) {
                for (Annotation a : annotations) {
                    if (a instanceof Value v && v.value().startsWith("${" + property + ":")) {
                        return v.value();
                    }
                }
            }
        }
        throw new AssertionError(type.getSimpleName() + " reads no ${" + property + ":...}");
    }

    private static Properties appProperties() throws IOException {
        Properties p = new Properties();
        try (InputStream in = RecipesTest.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        return p;
    }

    /** A setting of the unit's [Service] section, e.g. MemoryMax. */
    private static String unitSetting(String name) throws IOException {
        return Files.readAllLines(UNIT).stream().filter(l -> l.startsWith(name + "=")).map(l -> l.substring(name.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError(UNIT + " has no " + name));
    }

    /** "1G" (systemd, base 1024) or "1Gi" (Kubernetes) in bytes. */
    private static long bytes(String size) {
        String s = size.endsWith("i") ? size.substring(0, size.length() - 1) : size;
        char unit = s.charAt(s.length() - 1);
        int shift = switch (unit) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> throw new AssertionError("no unit in " + size);
        };
        return Long.parseLong(s.substring(0, s.length() - 1)) << shift;
    }

    /** The volume mount that holds {@code path}: the longest mount path that is it or a parent of it. */
    private static Optional<Map<String, Object>> mountHolding(String path) {
        return mounts.stream().filter(m -> path.equals(m.get("mountPath")) || path.startsWith(m.get("mountPath") + "/"))
                .max((a, b) -> Integer.compare(((String) a.get("mountPath")).length(), ((String) b.get("mountPath")).length()));
    }

    private static Map<String, Object> only(List<Map<String, Object>> docs, String kind) {
        List<Map<String, Object>> found = docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        return (List<String>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return o == null ? List.of() : (List<Map<String, Object>>) o;
    }
}
