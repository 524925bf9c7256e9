package io.hostdeck.services;

import org.springframework.stereotype.Component;

import io.hostdeck.error.InvalidInputException;
import io.hostdeck.live.LiveTopic;

/** {@code units}: the state of every loaded unit, for the services list. */
@Component
class UnitsTopic implements LiveTopic {

    private final UnitStateFeed feed;

    UnitsTopic(UnitStateFeed feed) {
        this.feed = feed;
    }

    @Override
    public String name() {
        return UnitStateFeed.ALL;
    }

    @Override
    public String key(String argument) {
        if (!argument.isEmpty()) {
            throw new InvalidInputException("arg", "the units topic takes no argument");
        }
        return UnitStateFeed.ALL;
    }

    @Override
    public Object snapshot(String key) {
        return feed.snapshot();
    }
}
