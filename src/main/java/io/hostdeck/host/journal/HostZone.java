package io.hostdeck.host.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;

import io.hostdeck.host.TargetPath;

/**
 * The target host's time zone, as its own clock shows time: the zone /etc/localtime links to
 * (…/zoneinfo/Europe/Berlin), else /etc/timezone's name, else the JVM's default.
 */
final class HostZone {

    private HostZone() {
    }

    static ZoneId of(Path root) {
        try {
            Path link = Files.readSymbolicLink(root.resolve(TargetPath.LOCALTIME.relative()));
            String s = link.toString();
            int i = s.indexOf("zoneinfo/");
            if (i >= 0) {
                return ZoneId.of(s.substring(i + "zoneinfo/".length()));
            }
        } catch (IOException | UnsupportedOperationException | DateTimeException e) {
            // not a link, or not to a named zone: try the next
        }
        try {
            return ZoneId.of(Files.readString(root.resolve(TargetPath.TIMEZONE.relative())).strip());
        } catch (IOException | DateTimeException e) {
            return ZoneId.systemDefault();
        }
    }
}
