package io.hostdeck.terminal;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;

import io.hostdeck.audit.AuditLog;
import io.hostdeck.error.RefusedException;
import io.hostdeck.host.namespaces.Container;
import io.hostdeck.host.namespaces.NamespaceScanner;
import io.hostdeck.host.pty.Pty;
import io.hostdeck.host.pty.PtyShells;
import io.hostdeck.host.pty.TargetAccount;
import io.hostdeck.security.LinuxAccount;

/**
 * The privileged layer of terminals: opening one checks the role and the setting
 * ({@link TerminalPolicy}), decides whose shell it is, starts it on a pty, opens its recording and
 * writes the audit record; its end is audited with its times and byte counts.
 */
@Service
public class TerminalActions {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final PtyShells shells;
    private final NamespaceScanner scanner;
    private final TerminalSettings settings;
    private final AuditLog audit;
    private final Path recordings;

    TerminalActions(PtyShells shells, NamespaceScanner scanner, TerminalSettings settings, AuditLog audit,
            @Value("${hostdeck.audit.file:/var/log/hostdeck/audit.log}") String auditFile) {
        this.shells = shells;
        this.scanner = scanner;
        this.settings = settings;
        this.audit = audit;
        this.recordings = recordingsDirectory(settings, auditFile);
    }

    static Path recordingsDirectory(TerminalSettings settings, String auditFile) {
        return settings.recordings().isBlank() ? Path.of(auditFile).toAbsolutePath().getParent().resolve("terminals")
                : Path.of(settings.recordings()).toAbsolutePath();
    }

    Path recordings() {
        return recordings;
    }

    /** A shell that has started, with its recording. */
    record Started(Pty pty, CastRecorder recorder, String target, String account, Instant at) {
        String recording() {
            return recorder.file().getFileName().toString();
        }
    }

    /**
     * A login shell on the target host: a PAM user's own account; a users-file user's the one
     * {@code hostdeck.terminal.account} names (refused while it names none).
     */
    @PreAuthorize("@terminalPolicy.allows(authentication)")
    public Started openHostShell(int columns, int rows, String address) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        String name = LinuxAccount.of(auth) ? auth.getName() : settings.account();
        if (name.isBlank()) {
            return refuse("users-file accounts get no shell until hostdeck.terminal.account names the"
                    + " target's account they run as");
        }
        TargetAccount account = shells.account(name).orElse(null);
        if (account == null) {
            return refuse("the target host has no account " + name + " (its /etc/passwd)");
        }
        if (account.mayNotLogIn()) {
            return refuse("the account " + name + " may not log in: its shell is " + account.shell());
        }
        Instant at = Instant.now();
        CastRecorder recorder = new CastRecorder(recordings.resolve(fileName(auth.getName(), at)), columns, rows,
                "host shell as " + name, at);
        return started("host shell", address, account.name(), recorder, () -> shells.hostShell(account, columns, rows), at);
    }

    /** A shell as root inside every namespace a container has of its own, as {@code nsenter -t INIT -a} gives. */
    @PreAuthorize("@terminalPolicy.allows(authentication)")
    public Started openConsole(String containerId, int columns, int rows, String address) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        Container c = scanner.scan().require(containerId);
        String target = "console " + c.id() + " (" + c.runtime() + (c.runtimeId().isEmpty() ? "" : " " + c.runtimeId())
                + ", init " + c.init().pid() + ")";
        Instant at = Instant.now();
        CastRecorder recorder = new CastRecorder(recordings.resolve(fileName(auth.getName(), at)), columns, rows,
                "console of " + c.id(), at);
        return started(target, address, "root", recorder, () -> shells.console(c.init(), c.privateTypes(), columns, rows),
                at);
    }

    private Started started(String target, String address, String account, CastRecorder recorder,
            java.util.function.Supplier<Pty> start, Instant at) {
        String user = SecurityContextHolder.getContext().getAuthentication().getName();
        Map<String, String> args = new LinkedHashMap<>();
        args.put("as", account);
        args.put("recording", recorder.file().getFileName().toString());
        try {
            Pty pty = start.get();
            audit.recordFrom(user, address, "terminal-open", target, args, "opened");
            return new Started(pty, recorder, target, account, at);
        } catch (RuntimeException e) {
            recorder.close();
            audit.recordFrom(user, address, "terminal-open", target, args, "error: " + e.getMessage());
            throw e;
        }
    }

    /** Refused: the caller, {@link Terminals}, audits every refusal alike. */
    private static <T> T refuse(String why) {
        throw new RefusedException(why);
    }

    /** The end of a terminal: when, why, and how much went each way. */
    void recordEnd(String user, String address, Started s, Instant ended, String reason) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("as", s.account());
        args.put("recording", s.recording());
        args.put("started", s.at().toString());
        args.put("ended", ended.toString());
        args.put("output-bytes", Long.toString(s.recorder().outputBytes()));
        args.put("input-bytes", Long.toString(s.recorder().inputBytes()));
        audit.recordFrom(user, address, "terminal-close", s.target(), args, reason);
    }

    /** An audit record for a terminal refused before it reached this layer (too many, a bad request). */
    void recordRefusal(String user, String address, String target, String why) {
        audit.recordFrom(user, address, "terminal-open", target, Map.of(), "refused: " + why);
    }

    private static String fileName(String user, Instant at) {
        String safe = user.replaceAll("[^A-Za-z0-9_.-]", "_");
        return STAMP.format(at) + "-" + safe + "-" + SEQUENCE.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff)
                + ".cast";
    }
}
