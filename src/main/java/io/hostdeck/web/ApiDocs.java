package io.hostdeck.web;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/**
 * The OpenAPI description of {@code /api/**} (springdoc, at {@code /api/openapi.json} and
 * {@code /api/openapi.json.yaml}): every operation needs a personal API token as a bearer token.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocs {

    static final String SCHEME = "token";

    @Bean
    OpenAPI hostdeckOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Hostdeck API").version("1")
                        .description("What the Hostdeck pages do, as JSON: units, cgroups, logs, containers, namespaces,"
                                + " audit. Authenticate with a personal API token (make one at /tokens):"
                                + " Authorization: Bearer hd_... Roles, unit scopes and the audit trail are the pages'."
                                + " Errors: {\"error\": \"...\", \"field\": \"...\" or null} with 400, 401, 403, 404,"
                                + " 409 or 503.\n\n[← Back to Hostdeck](/tokens)"))
                .components(new Components().addSecuritySchemes(SCHEME, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("hd_<id>_<secret>")
                        .description("A personal API token from /tokens")))
                .security(List.of(new SecurityRequirement().addList(SCHEME)));
    }
}
