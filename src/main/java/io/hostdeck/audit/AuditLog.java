package io.hostdeck.audit;

import java.util.Map;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Who did what to which target, with which arguments, and how it ended. For now one log line per
 * action on the {@code hostdeck.audit} logger; the access-control issue moves it to the journal
 * and an append-only file behind this same method.
 */
@Component
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger("hostdeck.audit");

    public void record(String action, String target, Map<String, String> arguments, String outcome) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        String user = auth == null ? "-" : auth.getName();
        String args = arguments.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
        log.info("user={} action={} target={} args=[{}] result={}", user, action, target, args, outcome);
    }
}
