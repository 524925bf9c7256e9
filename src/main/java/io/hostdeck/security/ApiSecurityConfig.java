package io.hostdeck.security;

import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

import io.hostdeck.audit.AuditLog;

/**
 * {@code /api/**}: only personal API tokens open it (its description also opens to a page session). No session is read or made here, so a page's
 * session cookie opens nothing (and CSRF, which guards cookies, does not apply); a token never opens
 * a page, whose chain ({@link SecurityConfig}) answers a bearer token with 401. The URL rules repeat
 * the privileged layer's roles, so a request below its role is refused before any controller.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurityConfig {

    /**
     * The API's description (and the Swagger UI's configuration of it) is the one thing under
     * {@code /api} a logged-in page session may also read, so that the Swagger UI, a page, can
     * show it; it is a GET of documentation and changes nothing. Trying an endpoint from the UI
     * still takes a token (its Authorize button).
     */
    @Bean
    @Order(0)
    SecurityFilterChain apiDescription(HttpSecurity http, ApiTokens tokens) throws Exception {
        http.securityMatcher(request -> "GET".equals(request.getMethod())
                && (request.getRequestURI().equals("/api/openapi.json") || request.getRequestURI().equals("/api/openapi.json.yaml")
                        || request.getRequestURI().equals("/api/openapi.json/swagger-config")))
            .csrf(csrf -> csrf.disable())
            .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.NEVER))
            .requestCache(cache -> cache.disable())
            .formLogin(form -> form.disable())
            .httpBasic(basic -> basic.disable())
            .logout(logout -> logout.disable())
            .addFilterBefore(new BearerTokenFilter(tokens), AnonymousAuthenticationFilter.class)
            .authorizeHttpRequests(requests -> requests.anyRequest().hasRole(Role.VIEWER.name()))
            .exceptionHandling(errors -> errors
                .authenticationEntryPoint((request, response, e) -> ApiJson.unauthorized(response,
                        "an API token (Authorization: Bearer <token>) or a logged-in page session is needed")))
            .headers(headers -> headers
                .contentSecurityPolicy(csp -> csp.policyDirectives(SecurityConfig.CONTENT_SECURITY_POLICY))
                .frameOptions(frame -> frame.deny()));
        return http.build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, ApiTokens tokens, AuditLog audit) throws Exception {
        http.securityMatcher("/api/**")
            .csrf(csrf -> csrf.disable())
            .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .securityContext(c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository()))
            .requestCache(cache -> cache.disable())
            .formLogin(form -> form.disable())
            .httpBasic(basic -> basic.disable())
            .logout(logout -> logout.disable())
            .addFilterBefore(new BearerTokenFilter(tokens), AnonymousAuthenticationFilter.class)
            .authorizeHttpRequests(requests -> requests
                .requestMatchers(HttpMethod.POST, "/api/units", "/api/units/*/enable", "/api/units/*/disable",
                        "/api/units/*/mask", "/api/units/*/unmask", "/api/units/*/limits", "/api/units/*/override",
                        "/api/systemd/daemon-reload", "/api/cgroups/limits", "/api/containers/*/exec",
                        "/api/containers/launch")
                    .hasRole(Role.ADMIN.name())
                .requestMatchers(HttpMethod.DELETE, "/api/units/*").hasRole(Role.ADMIN.name())
                .requestMatchers(HttpMethod.GET, "/api/audit").hasRole(Role.ADMIN.name())
                .requestMatchers(HttpMethod.POST, "/api/units/**", "/api/containers/**").hasRole(Role.OPERATOR.name())
                .anyRequest().hasRole(Role.VIEWER.name()))
            .exceptionHandling(errors -> errors
                .authenticationEntryPoint((request, response, e) -> ApiJson.unauthorized(response,
                        "an API token is needed: Authorization: Bearer <token> (make one at /tokens)"))
                .accessDeniedHandler((request, response, e) -> {
                    audit.record("refused", request.getMethod() + " " + request.getRequestURI(), Map.of(),
                            "refused: the role does not allow it");
                    ApiJson.write(response, 403, "your role does not allow this");
                }))
            .headers(headers -> headers
                .contentSecurityPolicy(csp -> csp.policyDirectives(SecurityConfig.CONTENT_SECURITY_POLICY))
                .frameOptions(frame -> frame.deny()));
        return http.build();
    }
}
