package io.hostdeck.host.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hostdeck.error.ConflictException;
import io.hostdeck.host.HostProperties;

/** How the target is asked to start SandboxInit, and what it must have for that. */
class SandboxRuntimeTest {

    @TempDir
    Path root;

    private void onTarget(String path) throws Exception {
        Path p = root.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, "");
    }

    @Test
    void aSpringBootJarIsStartedThroughItsPropertiesLauncher() throws Exception {
        onTarget("/usr/bin/java");
        onTarget("/opt/hostdeck/hostdeck.jar");
        var runtime = new SandboxRuntime(new HostProperties(root.toString(), ""), "/usr/bin/java", "/opt/hostdeck/hostdeck.jar");
        List<String> argv = runtime.command(List.of("--ns=pid", "--", "sleep", "1"));
        assertThat(argv.get(0)).isEqualTo("/usr/bin/java");
        assertThat(argv).containsSubsequence("-cp", "/opt/hostdeck/hostdeck.jar",
                "-Dloader.main=" + SandboxInit.class.getName(), SandboxRuntime.BOOT_LAUNCHER, "--ns=pid", "--", "sleep", "1");
    }

    @Test
    void classesAndTheJnaJarAreStartedDirectly() throws Exception {
        onTarget("/usr/bin/java");
        onTarget("/app/classes/x");
        onTarget("/app/lib/jna-5.19.1.jar");
        var runtime = new SandboxRuntime(new HostProperties(root.toString(), ""), "/usr/bin/java",
                "/app/classes:/app/lib/jna-5.19.1.jar");
        assertThat(runtime.command(List.of("--ns=net", "--", "true")))
                .containsSubsequence("-cp", "/app/classes:/app/lib/jna-5.19.1.jar", SandboxInit.class.getName(), "--ns=net")
                .doesNotContain(SandboxRuntime.BOOT_LAUNCHER);
    }

    @Test
    void aTargetWithoutTheRuntimeOrTheCodeIsToldWhatItLacks() throws Exception {
        onTarget("/usr/bin/java");
        var runtime = new SandboxRuntime(new HostProperties(root.toString(), ""), "/usr/bin/java", "/opt/hostdeck/hostdeck.jar");
        assertThatThrownBy(() -> runtime.command(List.of("--ns=pid", "--", "true")))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("/opt/hostdeck/hostdeck.jar").hasMessageNotContaining("/usr/bin/java,")
                .hasMessageContaining("hostdeck.sandbox.classpath");
    }

    @Test
    void byDefaultItIsThisJvmAndThisCode() {
        var runtime = new SandboxRuntime(new HostProperties("/", ""), "", "");
        assertThat(runtime.paths()).first().asString().endsWith("/bin/java");
        assertThat(runtime.paths()).anySatisfy(p -> assertThat(Files.exists(Path.of(p, "io/hostdeck/host/sandbox/SandboxInit.class"))
                || p.endsWith(".jar")).isTrue());
        assertThat(runtime.command(List.of("--ns=uts", "--", "true"))).contains(SandboxInit.class.getName());
    }

    @Test
    void sandboxInitTakesOnlyWhatItKnows() {
        assertThat(SandboxInit.Request.parse(new String[] {"--ns=pid,net,user", "--uid-map=0:100000:65536", "--", "sleep", "1"})
                .flags()).isEqualTo(SandboxInit.CLONE_NEWPID | SandboxInit.CLONE_NEWNET);
        assertThatThrownBy(() -> SandboxInit.Request.parse(new String[] {"--ns=pid,time", "--", "x"}))
                .hasMessageContaining("'time'");
        assertThatThrownBy(() -> SandboxInit.Request.parse(new String[] {"--ns=pid", "--hostname=x", "--", "x"}))
                .hasMessageContaining("UTS");
        assertThatThrownBy(() -> SandboxInit.Request.parse(new String[] {"--ns=user", "--", "x"}))
                .hasMessageContaining("--uid-map");
        assertThatThrownBy(() -> SandboxInit.Request.parse(new String[] {"--ns=pid", "--"}))
                .hasMessageContaining("no command");
    }
}
