package io.hostdeck.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.hostdeck.support.TestUsers;
import io.hostdeck.support.WebSession;

/**
 * Hostdeck pointed at the machine it runs on (root "/"), not at a testbed: the real kernel's own
 * threads and this machine's PID 1. Every real host has kernel threads with namespaces of their
 * own ({@code kdevtmpfs}'s mount namespace) and they are never containers. The machines Hostdeck
 * is built on hide {@code /proc/1/ns} even from root: the containers and namespaces pages then
 * take Hostdeck's own namespaces as the reference and say so, instead of a 503. Needs root
 * (reading other processes' namespaces); fails without it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RealHostNamespacesIT {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("hostdeck.users-file", () -> TestUsers.write().toString());
        registry.add("hostdeck.host.root", () -> "/");
        // no systemd on this machine's bus: the kernel's view stands on its own
        registry.add("hostdeck.host.bus", () -> "unix:path=" + dir.resolve("no-bus-here"));
        registry.add("hostdeck.audit.file", () -> dir.resolve("audit.log").toString());
    }

    @LocalServerPort
    int port;

    @Test
    void kernelThreadsWithNamespacesOfTheirOwnAreNeverContainers() throws IOException {
        String ownMnt = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
        List<String> kernelThreadsApart = new ArrayList<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path p : pids) {
                try {
                    if (Files.readAllBytes(p.resolve("cmdline")).length == 0
                            && Files.readString(p.resolve("status")).contains("\nPPid:\t2\n")
                            && !Files.readSymbolicLink(p.resolve("ns/mnt")).toString().equals(ownMnt)) {
                        kernelThreadsApart.add(Files.readString(p.resolve("comm")).strip());
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        assertThat(kernelThreadsApart).as("a kernel thread in a mount namespace of its own (readable as root)")
                .contains("kdevtmpfs");

        var web = new WebSession(port);
        web.login("admin", TestUsers.PASSWORD);
        var page = web.get("/containers");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        for (String thread : kernelThreadsApart) {
            assertThat(page.body()).as("kernel thread " + thread).doesNotContain("[" + thread + "]");
        }
    }

    @Test
    void anUnreadablePid1FallsBackToHostdecksOwnNamespacesAndThePagesSaySo() throws IOException {
        boolean pid1Hidden;
        try {
            Files.readSymbolicLink(Path.of("/proc/1/ns/mnt"));
            pid1Hidden = false;
        } catch (IOException e) {
            pid1Hidden = true;
        }
        assertThat(pid1Hidden).as("this machine's PID 1 hides /proc/1/ns from root, as on the machines Hostdeck is built on")
                .isTrue();
        var web = new WebSession(port);
        web.login("viewer", TestUsers.PASSWORD);
        var containers = web.get("/containers");
        assertThat(containers.statusCode()).as(containers.body()).isEqualTo(200);
        assertThat(containers.body()).contains("id=\"own-reference\"").contains("Hostdeck's own namespaces stand for the host's");
        var namespaces = web.get("/namespaces");
        assertThat(namespaces.statusCode()).isEqualTo(200);
        assertThat(namespaces.body()).contains("id=\"own-reference\"");
        String ownPid = String.valueOf(ProcessHandle.current().pid());
        assertThat(web.get("/namespaces?pid=" + ownPid).body()).as("Hostdeck shares every namespace with the reference")
                .doesNotContain("no, its own");
    }
}
