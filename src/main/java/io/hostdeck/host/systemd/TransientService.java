package io.hostdeck.host.systemd;

import java.time.Duration;
import java.util.List;

/**
 * A service systemd runs from properties alone (StartTransientUnit, what {@code systemd-run}
 * does): gone at the next reboot, and with {@code CollectMode=inactive-or-failed} gone as soon as
 * it stops, failed or not, so nothing of it is left behind.
 *
 * @param unit        the unit name, ending in ".service"
 * @param type        the service Type: simple, or forking when argv's process starts the real one and exits
 * @param description what {@code systemctl status} shows
 * @param argv        the command; argv[0] an absolute path
 * @param limits      resource properties, as for SetUnitProperties
 * @param stopTimeout how long systemd waits after SIGTERM before SIGKILL
 * @param startTimeout how long systemd lets its start take (TimeoutStartSec) before it fails it
 * @param standardInput what argv's process reads on its standard input ({@code StandardInput=data},
 *                     kept by systemd with the unit and given again at each start); empty: /dev/null
 */
public record TransientService(String unit, String type, String description, List<String> argv, List<UnitSetting> limits,
        Duration stopTimeout, Duration startTimeout, byte[] standardInput) {

    public TransientService {
        if (!unit.endsWith(".service")) {
            throw new IllegalArgumentException("a transient service's name ends in .service: " + unit);
        }
        if (argv.isEmpty() || !argv.get(0).startsWith("/")) {
            throw new IllegalArgumentException("argv[0] is an absolute path: " + argv);
        }
        if (!type.equals("simple") && !type.equals("forking")) {
            throw new IllegalArgumentException("a transient service is simple or forking, not " + type);
        }
        argv = List.copyOf(argv);
        limits = List.copyOf(limits);
        standardInput = standardInput.clone();
    }

    @Override
    public byte[] standardInput() {
        return standardInput.clone();
    }
}
