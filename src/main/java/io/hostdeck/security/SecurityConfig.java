package io.hostdeck.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;

import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.session.HttpSessionEventPublisher;

import io.hostdeck.audit.AuditLog;
import io.hostdeck.host.accounts.PamAccounts;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
class SecurityConfig {

    /** No inline script or style anywhere: every script and stylesheet is a file of ours. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";

    @Bean
    SecurityFilterChain web(HttpSecurity http, AuthenticationManager logins, SessionRegistry sessions, AuditLog audit,
            GrantRecheck recheck) throws Exception {
        http.authenticationManager(logins)
            // the session's grant as it is now, before any rule decides on it
            .addFilterBefore(recheck, org.springframework.security.web.access.intercept.AuthorizationFilter.class)
            // a new session id at login (no fixation), and every session known, so an admin can end it
            .sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId())
                .maximumSessions(-1).sessionRegistry(sessions).expiredUrl("/login?ended"))
            .authorizeHttpRequests(requests -> requests
                .requestMatchers("/login", "/app/**", "/webjars/**", "/favicon.ico", "/error").permitAll()
                // its own bearer token, checked by the controller; no page session opens it
                .requestMatchers(HttpMethod.GET, "/metrics").permitAll()
                // the same rules as the privileged service layer's, so a request below its role
                // is refused before it reaches any controller
                .requestMatchers(HttpMethod.POST, "/services/daemon-reload", "/services/*/enable", "/services/*/disable",
                        "/services/*/mask", "/services/*/unmask", "/services/*/limits", "/services/new",
                        "/services/*/edit", "/services/*/delete", "/cgroups/limits", "/containers/*/exec",
                        "/containers/launch")
                    .hasRole(Role.ADMIN.name())
                .requestMatchers(HttpMethod.GET, "/services/new", "/services/*/edit", "/audit", "/sessions",
                        "/containers/launch")
                    .hasRole(Role.ADMIN.name())
                .requestMatchers(HttpMethod.POST, "/sessions/**").hasRole(Role.ADMIN.name())
                .requestMatchers(HttpMethod.POST, "/services/**", "/containers/**").hasRole(Role.OPERATOR.name())
                .anyRequest().hasRole(Role.VIEWER.name()))
            .formLogin(form -> form.loginPage("/login").permitAll()
                .failureHandler(new SimpleUrlAuthenticationFailureHandler("/login?error")))
            .logout(logout -> logout.logoutSuccessUrl("/login?logout"))
            .exceptionHandling(errors -> errors.authenticationEntryPoint(entryPoint(audit))
                .accessDeniedHandler(auditedDenial(audit)))
            .headers(headers -> headers
                .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .frameOptions(frame -> frame.deny())
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)));
        return http.build();
    }

    /** A request the URL rules refuse (role too low, or a bad CSRF token) is in the audit trail, then a 403. */
    private static org.springframework.security.web.access.AccessDeniedHandler auditedDenial(AuditLog audit) {
        var page = new org.springframework.security.web.access.AccessDeniedHandlerImpl();
        return (request, response, e) -> {
            if (refusedAsToken(request, response, audit)) { // a token's POST: refused as a token, not for CSRF
                return;
            }
            audit.record("refused", request.getMethod() + " " + request.getRequestURI(), java.util.Map.of(),
                    "refused: " + (e.getClass().getSimpleName().contains("Csrf") ? "no valid CSRF token"
                            : "the role does not allow it"));
            page.handle(request, response, e);
        };
    }

    /** A request that brings an API token to a page: a 401 that says so, audited. */
    private static boolean refusedAsToken(jakarta.servlet.http.HttpServletRequest request,
            jakarta.servlet.http.HttpServletResponse response, AuditLog audit) throws java.io.IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        audit.record("token-refused", request.getMethod() + " " + request.getRequestURI(), java.util.Map.of(),
                "refused: an API token opens only /api/**, not a page");
        ApiJson.unauthorized(response, "an API token opens only /api/**, never a page");
        return true;
    }

    /**
     * Pages go to the login form; the live socket and htmx requests get 401 instead (htmx with
     * HX-Redirect, so an expired session still lands the user on the login page). A request with an
     * API token gets 401 too, audited: tokens open only {@code /api/**}, never a page.
     */
    private static AuthenticationEntryPoint entryPoint(AuditLog audit) {
        AuthenticationEntryPoint login = new LoginUrlAuthenticationEntryPoint("/login");
        AuthenticationEntryPoint status = new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED);
        RequestMatcher live = PathPatternRequestMatcher.withDefaults().matcher("/live");
        return (request, response, e) -> {
            if (refusedAsToken(request, response, audit)) {
                return;
            }
            if (request.getHeader("HX-Request") != null) {
                response.setHeader("HX-Redirect", request.getContextPath() + "/login");
                status.commence(request, response, e);
            } else if (live.matches(request)) {
                status.commence(request, response, e);
            } else {
                login.commence(request, response, e);
            }
        };
    }

    /**
     * The users file first, then (unless {@code hostdeck.pam.enabled=false}) the machine's accounts
     * through PAM; every attempt throttled and audited.
     */
    @Bean
    AuthenticationManager authenticationManager(FileUserDetailsService users, PasswordEncoder encoder, PamAccounts pam,
            GroupRoles roles, LoginThrottle throttle, AuditLog audit,
            @Value("${hostdeck.pam.enabled:true}") boolean pamEnabled) {
        DaoAuthenticationProvider file = new DaoAuthenticationProvider(users);
        file.setPasswordEncoder(encoder);
        List<AuthenticationProvider> providers = new ArrayList<>(List.of(file));
        if (pamEnabled) {
            providers.add(new PamAuthenticationProvider(pam, roles));
        }
        ProviderManager manager = new ProviderManager(providers);
        manager.setEraseCredentialsAfterAuthentication(true);
        return new AuditedAuthentication(manager, throttle, audit);
    }

    /**
     * A URL the firewall refuses (encoded slashes, semicolons, "..", NUL and the like) gets a 400
     * that says what it found, not a bare status.
     */
    @Bean
    static RequestRejectedHandler requestRejectedHandler() {
        return (request, response, e) -> {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write("Refused: " + e.getMessage()
                    + ". Hostdeck takes no encoded slashes, \"..\", semicolons or control characters in a URL.\n");
        };
    }

    @Bean
    GrantRecheck grantRecheck(Grants grants, AuditLog audit, SessionRegistry sessions) {
        return new GrantRecheck(grants, audit, sessions);
    }

    /** Only in the security chain, after the session's login is known: not a servlet filter of its own. */
    @Bean
    org.springframework.boot.web.servlet.FilterRegistrationBean<GrantRecheck> grantRecheckOnlyInTheChain(GrantRecheck f) {
        var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(f);
        registration.setEnabled(false);
        return registration;
    }

    @Bean
    SessionRegistry sessionRegistry() {
        return new SessionRegistryImpl();
    }

    /** Tells the session registry when a session ends on its own (timeout, logout). */
    @Bean
    static HttpSessionEventPublisher httpSessionEventPublisher() {
        return new HttpSessionEventPublisher();
    }

    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role(Role.ADMIN.name()).implies(Role.OPERATOR.name())
                .role(Role.OPERATOR.name()).implies(Role.VIEWER.name())
                .build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder(12);
    }
}
