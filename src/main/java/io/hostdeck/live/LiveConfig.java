package io.hostdeck.live;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/** One WebSocket per page at {@code /live}; Spring Security lets only a logged-in session reach it. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class LiveConfig implements WebSocketConfigurer {

    static final String PATH = "/live";

    private final LiveHandler handler;

    LiveConfig(LiveHandler handler) {
        this.handler = handler;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        // the HTTP session's id, so what runs on the socket (a terminal) ends with the session
        registry.addHandler(handler, PATH).addInterceptors(new SameOriginHandshake(),
                new org.springframework.web.socket.server.support.HttpSessionHandshakeInterceptor(java.util.List.of()));
    }
}
