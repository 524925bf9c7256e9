package io.hostdeck.host.namespaces;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.hostdeck.host.HostProperties;
import io.hostdeck.host.HostUnavailableException;

/**
 * Turns a PID as the target's /proc shows it into a PID in Hostdeck's own PID namespace, which is
 * what a write to cgroup.procs means. They are the same unless Hostdeck looks at a container's
 * systemd from outside: then the process is found in our own /proc by its PID namespace and its
 * NSpid line, which ends with the PIDs the target sees.
 */
@Component
public class PidMapper {

    private static final Path OWN = Path.of("/proc");

    private final Path proc;

    public PidMapper(HostProperties host) {
        this.proc = host.proc();
    }

    public long ownPid(ProcessInfo p, Map<NsType, Long> targetNs) {
        Long ours = NamespaceScanner.namespaces(OWN.resolve("self")).get(NsType.PID);
        if (proc.equals(OWN) || (ours != null && ours.equals(targetNs.get(NsType.PID)))) {
            return p.pid(); // the target's /proc counts in our PID namespace
        }
        Long pidNs = p.namespaces().get(NsType.PID);
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(OWN, d -> d.getFileName().toString().matches("[0-9]+"))) {
            for (Path dir : pids) {
                if (pidNs.equals(NamespaceScanner.namespaces(dir).get(NsType.PID))) {
                    List<Long> nsPids = nsPids(dir);
                    if (endsWith(nsPids, p.nsPids())) {
                        return Long.parseLong(dir.getFileName().toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new HostUnavailableException("cannot list /proc: " + e.getMessage(), e);
        }
        throw new HostUnavailableException("process " + p.pid() + " of the target is not visible from Hostdeck's "
                + "PID namespace: run Hostdeck in the host's PID namespace (hostPID)");
    }

    private static boolean endsWith(List<Long> all, List<Long> tail) {
        if (tail.isEmpty() || all.size() < tail.size()) {
            return false;
        }
        return all.subList(all.size() - tail.size(), all.size()).equals(tail);
    }

    private static List<Long> nsPids(Path dir) {
        try {
            for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("NSpid:")) {
                    List<Long> out = new ArrayList<>();
                    for (String n : line.substring(6).strip().split("\\s+")) {
                        out.add(Long.parseLong(n));
                    }
                    return out;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone meanwhile
        }
        return List.of();
    }

}
