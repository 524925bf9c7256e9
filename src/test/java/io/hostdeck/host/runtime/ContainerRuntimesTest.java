package io.hostdeck.host.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hostdeck.error.InvalidInputException;

/** Matching a runtime's containers to the kernel's view, and the names a URL may carry. */
class ContainerRuntimesTest {

    private static final String WEB = "6932e8d4bc136e5d93dbfed045267afd8fc9eeb7a40f9c26267e46ecd4815ef6";
    private static final String OLD = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

    private static RuntimeContainer container(String runtime, String id, String name, String state, long pid) {
        return new RuntimeContainer(runtime, id, name, "localhost/bb:1", 0, state, "", "", List.of(), Map.of(), "no", 0, pid, 10);
    }

    private final ContainerRuntimes.View view = new ContainerRuntimes.View(List.of(), List.of(
            container("podman", WEB, "web1", "running", 777), container("podman", OLD, "old", "exited", 0),
            container("docker", "ffff" + WEB.substring(4), "dock", "running", 900)));

    @Test
    void aKernelContainerIsMatchedByTheIdInItsCgroup() {
        assertThat(view.match("podman", WEB, 1).map(RuntimeContainer::name)).contains("web1");
        // the kernel's cgroup names the runtime: the same id under another runtime is not it
        assertThat(view.match("docker", WEB, 1)).isEmpty();
    }

    @Test
    void elseByItsInitsPidWhileItRuns() {
        assertThat(view.match("unshare", "", 900).map(RuntimeContainer::name)).contains("dock");
        assertThat(view.match("unshare", "", 0)).isEmpty();
        assertThat(view.match("unshare", "", 4242)).isEmpty();
    }

    @Test
    void namesAndIdsAreCheckedBeforeAnythingIsAsked() {
        ContainerRuntimes.checkName("web1");
        ContainerRuntimes.checkName("my_app.web-1");
        ContainerRuntimes.checkName(WEB);
        for (String bad : List.of("", "../etc", "a b", "-rf", "web1;reboot", "x".repeat(300), "wéb")) {
            assertThatThrownBy(() -> ContainerRuntimes.checkName(bad)).as(bad).isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void portsReadAsPodmanPrintsThem() {
        RuntimeContainer c = new RuntimeContainer("podman", WEB, "web1", "bb", 1796168916L, "running", "Up", "healthy",
                List.of(new RuntimeContainer.Port("127.0.0.1", 18080, 80, "tcp"), new RuntimeContainer.Port("", 0, 53, "udp")),
                Map.of("com.docker.compose.project", "shop", "com.docker.compose.service", "web"), "always", 2, 777, null);
        assertThat(c.portsText()).isEqualTo("127.0.0.1:18080→80/tcp, 53/udp");
        assertThat(c.composeProject() + "/" + c.composeService()).isEqualTo("shop/web");
        assertThat(c.podName()).isEmpty();
        assertThat(c.createdText()).isEqualTo("2026-12-01 23:48:36 UTC");
        assertThat(c.shortId()).isEqualTo("6932e8d4bc13");
    }

    @Test
    void aListsStatusCarriesTheHealth() {
        assertThat(EngineApi.healthOf("Up 3 minutes (healthy)")).isEqualTo("healthy");
        assertThat(EngineApi.healthOf("Up 1 second (health: starting)")).isEqualTo("starting");
        assertThat(EngineApi.healthOf("Up 2 hours (unhealthy)")).isEqualTo("unhealthy");
        assertThat(EngineApi.healthOf("Up 3 minutes")).isEmpty();
        assertThat(EngineApi.healthOf("Exited (0) 5 seconds ago")).isEmpty();
    }
}
