package io.hostdeck.live;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.WebUtils;

/**
 * Refuses a handshake that does not come from one of our own pages: browsers always send Origin
 * on a WebSocket handshake, so one without it, or from another origin, is a forged or cross-site
 * request (cross-site WebSocket hijacking rides on the session cookie). Spring's own check lets a
 * missing Origin through; this one does not. A handshake without a logged-in user never gets
 * here: the security filter answers it with 401.
 */
class SameOriginHandshake implements HandshakeInterceptor {

    private static final Logger log = LoggerFactory.getLogger(SameOriginHandshake.class);

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
            WebSocketHandler wsHandler, Map<String, Object> attributes) {
        String origin = request.getHeaders().getFirst(HttpHeaders.ORIGIN);
        boolean same;
        try {
            same = origin != null && WebUtils.isSameOrigin(request);
        } catch (RuntimeException e) { // an Origin that is no URL at all: as foreign as any other
            same = false;
        }
        if (!same || request.getPrincipal() == null) {
            log.warn("refused WebSocket handshake from {} with Origin {}", request.getRemoteAddress(), origin);
            response.setStatusCode(HttpStatus.FORBIDDEN);
            return false;
        }
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
            WebSocketHandler wsHandler, Exception exception) {
    }
}
