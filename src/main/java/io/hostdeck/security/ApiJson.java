package io.hostdeck.security;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.MediaType;

import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/** The API's error body, {@code {"error": "...", "field": null}}, for the answers security gives before any controller. */
final class ApiJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ApiJson() {
    }

    static void unauthorized(HttpServletResponse response, String message) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"hostdeck\"");
        write(response, HttpServletResponse.SC_UNAUTHORIZED, message);
    }

    static void write(HttpServletResponse response, int status, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("field", null);
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writeValueAsString(body));
    }
}
