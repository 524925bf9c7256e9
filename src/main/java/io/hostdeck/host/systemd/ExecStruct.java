package io.hostdeck.host.systemd;

import java.util.List;

import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.Position;

/** One {@code (sasb)} of ExecStart: the binary, its whole argv (argv[0] included), ignore failure. */
public final class ExecStruct extends Struct {
    @Position(0) public final String path;
    @Position(1) public final List<String> argv;
    @Position(2) public final boolean ignoreFailure;

    public ExecStruct(String path, List<String> argv, boolean ignoreFailure) {
        this.path = path;
        this.argv = argv;
        this.ignoreFailure = ignoreFailure;
    }
}
