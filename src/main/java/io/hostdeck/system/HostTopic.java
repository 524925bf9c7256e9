package io.hostdeck.system;

import java.util.Map;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.live.LiveTopic;

/**
 * {@code host}: the whole host's figures at every tick ({@link HostSampler.Now}). Host-wide numbers
 * name no unit, so every logged-in grant may follow them, one limited to some units too.
 */
@Component
class HostTopic implements LiveTopic {

    static final String KEY = "host";

    private final HostSampler sampler;

    HostTopic(HostSampler sampler) {
        this.sampler = sampler;
    }

    @Override
    public String name() {
        return KEY;
    }

    /** Every grant: CPU, memory, load, disks and interfaces of the whole host tell nothing of a unit. */
    @Override
    public void authorize(Authentication grant, String argument) {
    }

    @Override
    public String key(String argument) {
        if (!argument.isEmpty()) {
            throw new InvalidInputException("arg", "the host topic takes no argument");
        }
        return KEY;
    }

    /** The last tick's figures; before the first tick, a message with none (the next tick brings them). */
    @Override
    public Object snapshot(String key) {
        return sampler.latest().<Object>map(n -> n).orElse(Map.of("type", KEY));
    }
}
