package io.hostdeck.services;

import org.springframework.stereotype.Component;

import io.hostdeck.services.unitfile.UnitName;
import io.hostdeck.live.LiveTopic;

/** {@code unit}: one unit's state, for its detail page. The argument is its name, checked like any other. */
@Component
class UnitTopic implements LiveTopic {

    private final UnitStateFeed feed;
    private final io.hostdeck.security.UnitAccess access;

    UnitTopic(UnitStateFeed feed, io.hostdeck.security.UnitAccess access) {
        this.feed = feed;
        this.access = access;
    }

    /** A unit of the grant's, as systemd resolves the name (an alias of another unit is not). */
    @Override
    public void authorize(org.springframework.security.core.Authentication grant, String argument) {
        access.read(grant, UnitName.of("unit", argument).name());
    }

    static String keyOf(String unit) {
        return "unit:" + unit;
    }

    @Override
    public String name() {
        return "unit";
    }

    @Override
    public String key(String argument) {
        return keyOf(UnitName.of("unit", argument).name());
    }

    @Override
    public Object snapshot(String key) {
        return feed.snapshot(key.substring("unit:".length()));
    }
}
