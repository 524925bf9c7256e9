package io.hostdeck.security;

import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.hostdeck.web.JsonApi;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Who a token acts as: its owner, the role and units it has now, and which token it is. */
@RestController
@JsonApi
@Tag(name = "tokens")
class WhoAmIApi {

    record Me(String user, String role, List<String> units, String token) {
    }

    @GetMapping("/api/whoami")
    @Operation(summary = "The token's owner, its role and units now (the lesser of the token's and the owner's), and the token")
    Me me() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        String role = Role.highest(auth.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList())
                .map(r -> r.name().toLowerCase()).orElse("");
        return new Me(auth.getName(), role, Scope.of(auth).patterns(),
                auth.getDetails() instanceof ApiTokens.TokenUse t ? t.id() : null);
    }
}
