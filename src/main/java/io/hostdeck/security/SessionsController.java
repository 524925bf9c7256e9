package io.hostdeck.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import io.hostdeck.audit.AuditLog;
import io.hostdeck.error.InvalidInputException;
import io.hostdeck.error.NotFoundException;
import io.hostdeck.web.Flash;
import jakarta.servlet.http.HttpSession;

/**
 * Who is logged in (ADMIN), and ending a session: its next request goes to the login page. A
 * session is named by a hash of its id, never by the id itself, which would let the reader take
 * it over.
 */
@Controller
class SessionsController {

    private final SessionRegistry registry;
    private final AuditLog audit;

    SessionsController(SessionRegistry registry, AuditLog audit) {
        this.registry = registry;
        this.audit = audit;
    }

    /** One session as the page shows it. */
    record Row(String key, String user, String role, java.util.Date lastRequest, boolean current) {
    }

    @GetMapping("/sessions")
    @PreAuthorize("hasRole('ADMIN')")
    String list(HttpSession own, Model model) {
        Scope.current().requireAll("the session list");
        List<Row> rows = new ArrayList<>();
        for (Object principal : registry.getAllPrincipals()) {
            for (SessionInformation s : registry.getAllSessions(principal, false)) {
                String name = principal instanceof UserDetails u ? u.getUsername() : principal.toString();
                String role = principal instanceof UserDetails u ? u.getAuthorities().stream().map(a -> a.getAuthority())
                        .filter(a -> a.startsWith("ROLE_")).findFirst().orElse("ROLE_").substring(5).toLowerCase() : "";
                rows.add(new Row(key(s.getSessionId()), name, role, s.getLastRequest(), s.getSessionId().equals(own.getId())));
            }
        }
        rows.sort(Comparator.comparing(Row::user).thenComparing(Row::lastRequest, Comparator.reverseOrder()));
        model.addAttribute("rows", rows);
        return "security/sessions";
    }

    @PostMapping("/sessions/{key}/end")
    @PreAuthorize("hasRole('ADMIN')")
    String end(@PathVariable String key, RedirectAttributes redirect) {
        if (!key.matches("[0-9a-f]{16}")) {
            throw new InvalidInputException("session", "'" + key + "' is not a session key (16 hex digits)");
        }
        for (Object principal : registry.getAllPrincipals()) {
            for (SessionInformation s : registry.getAllSessions(principal, false)) {
                if (key(s.getSessionId()).equals(key)) {
                    String user = principal instanceof UserDetails u ? u.getUsername() : principal.toString();
                    s.expireNow();
                    audit.record("session-end", user, Map.of("session", key), "done");
                    redirect.addFlashAttribute("flash", Flash.ok("Ended a session of " + user + "."));
                    return "redirect:/sessions";
                }
            }
        }
        throw new NotFoundException("no session " + key + " (it may have ended)");
    }


    static String key(String sessionId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
