package io.hostdeck.terminal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.io.FileSystemResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.error.RefusedException;
import io.hostdeck.host.namespaces.Container;
import io.hostdeck.host.namespaces.NamespaceScanner;

/**
 * The terminal pages ({@code /terminal}, {@code /containers/ID/console}), which open their
 * terminal over the live channel, and the recordings' player under {@code /audit/recordings/}.
 */
@Controller
class TerminalController {

    /**
     * These pages only: xterm.js sizes and colours its rows with style elements it writes itself,
     * which a policy without 'unsafe-inline' styles blocks. Scripts stay our own files only.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";
    static final Pattern RECORDING = Pattern.compile("[0-9]{8}T[0-9]{6}Z-[A-Za-z0-9_.-]{1,64}-[0-9]{1,12}-[0-9a-f]{1,8}\\.cast");
    private static final Pattern CONTAINER = Pattern.compile("[a-z]{1,8}-[0-9]{1,20}");

    private final TerminalPolicy policy;
    private final TerminalActions actions;
    private final NamespaceScanner scanner;

    TerminalController(TerminalPolicy policy, TerminalActions actions, NamespaceScanner scanner) {
        this.policy = policy;
        this.actions = actions;
        this.scanner = scanner;
    }

    @GetMapping("/terminal")
    String host(Model model, HttpServletResponse response) {
        mayOpen();
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        model.addAttribute("kind", "host");
        model.addAttribute("container", "");
        model.addAttribute("title", "Terminal");
        return "terminal/terminal";
    }

    @GetMapping("/containers/{id}/console")
    String console(@PathVariable String id, Model model, HttpServletResponse response) {
        if (!CONTAINER.matcher(id).matches()) {
            throw new InvalidInputException("id", "'" + (id.length() > 40 ? id.substring(0, 40) + "…" : id)
                    + "' is not a container id");
        }
        mayOpen();
        Container c = scanner.scan().require(id);
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        model.addAttribute("kind", "console");
        model.addAttribute("container", c.id());
        model.addAttribute("title", "Console of " + c.id());
        return "terminal/terminal";
    }

    /** A terminal page calls this while its user types, so a busy terminal does not lose its login session. */
    @GetMapping("/terminal/alive")
    ResponseEntity<Void> alive() {
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/audit/recordings/{name}")
    @PreAuthorize("hasRole('ADMIN')")
    String player(@PathVariable String name, Model model, HttpServletResponse response) {
        recording(name);
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        model.addAttribute("name", name);
        return "terminal/player";
    }

    @GetMapping(value = "/audit/recordings/{name}/cast", produces = "application/x-asciicast")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<FileSystemResource> cast(@PathVariable String name) throws IOException {
        Path file = recording(name);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-asciicast"))
                .contentLength(Files.size(file)).body(new FileSystemResource(file));
    }

    private Path recording(String name) {
        io.hostdeck.security.Scope.current().requireAll("the audit trail");
        if (!RECORDING.matcher(name).matches()) {
            throw new InvalidInputException("name", "'" + (name.length() > 40 ? name.substring(0, 40) + "…" : name)
                    + "' is not the name of a recording");
        }
        Path file = actions.recordings().resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new NotFoundException("no recording " + name + " (older ones are deleted after hostdeck.terminal.retention)");
        }
        return file;
    }

    private void mayOpen() {
        String refused = policy.refusal(SecurityContextHolder.getContext().getAuthentication());
        if (refused != null) {
            throw new RefusedException(refused);
        }
    }
}
