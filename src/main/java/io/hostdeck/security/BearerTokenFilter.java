package io.hostdeck.security;

import java.io.IOException;

import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Authenticates {@code /api/**} requests by {@code Authorization: Bearer hd_...}: a good token sets
 * its owner for this request only (no session); a bad, revoked or expired one is a 401 at once,
 * saying why. Without the header the request goes on unauthenticated, and the API's rules answer
 * 401.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    private final ApiTokens tokens;
    private final RequestAttributeSecurityContextRepository contexts = new RequestAttributeSecurityContextRepository();

    BearerTokenFilter(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        String what = request.getMethod() + " " + request.getRequestURI();
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ApiJson.unauthorized(response, "the API takes only Authorization: Bearer <token> (make a token at /tokens)");
            return;
        }
        try {
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(tokens.authenticate(header.substring(7).strip(), what));
            SecurityContextHolder.setContext(context);
            contexts.saveContext(context, request, response);
        } catch (ApiTokens.Refused e) {
            ApiJson.unauthorized(response, "token refused: " + e.getMessage());
            return;
        }
        chain.doFilter(request, response);
    }
}
