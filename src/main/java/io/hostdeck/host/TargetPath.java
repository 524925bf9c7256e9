package io.hostdeck.host;

/**
 * Every place under the target's root ({@link HostProperties#root()}) that Hostdeck uses, in one
 * list: the host layer takes these paths from here, and the deployment recipes are checked against
 * it (RecipesTest: the Kubernetes manifest mounts each one from the same place on the node).
 * Anything else under the root Hostdeck never touches.
 */
public enum TargetPath {

    /** Every process: status, cgroup, namespaces, the kernel's version; signals go through pidfds of these. */
    PROC("proc", Kind.DIRECTORY),
    /** The cgroup sampler reads here; raw limits (admins, cgroups nobody owns) and freezing write here. */
    CGROUPS("sys/fs/cgroup", Kind.DIRECTORY),
    /** systemd's manager over D-Bus, unless {@code hostdeck.host.bus} names another address. */
    SYSTEM_BUS("run/dbus/system_bus_socket", Kind.SOCKET),
    /** The audit trail's copy in the target's journal, sent as journald's native datagrams. */
    JOURNAL_SOCKET("run/systemd/journal/socket", Kind.SOCKET),
    /** The persistent journal, read by {@code journalctl --root}. */
    JOURNAL("var/log/journal", Kind.DIRECTORY),
    /** The volatile journal (before /var is there, or with Storage=volatile), read by {@code journalctl --root}. */
    RUNTIME_JOURNAL("run/log/journal", Kind.DIRECTORY),
    /** The host's name when Hostdeck is not in the host's UTS namespace. */
    HOSTNAME("etc/hostname", Kind.FILE),
    /** The host's time zone, from where this symbolic link points (…/zoneinfo/Europe/Berlin). */
    LOCALTIME("etc/localtime", Kind.FILE),
    /** The host's time zone by name, where /etc/localtime does not tell it. */
    TIMEZONE("etc/timezone", Kind.FILE),
    /** Unit files and drop-ins: shown on a unit's page; admins create and edit them here. */
    UNIT_FILES("etc/systemd/system", Kind.DIRECTORY),
    /** Runtime units, on systemd's search path: a new unit's name must not be taken there. */
    RUNTIME_UNITS("run/systemd/system", Kind.DIRECTORY),
    /** The distribution's units (a symbolic link to usr/lib on a merged /usr). */
    LIB_UNITS("lib/systemd/system", Kind.DIRECTORY),
    /** The distribution's units. */
    USR_LIB_UNITS("usr/lib/systemd/system", Kind.DIRECTORY);

    /** What is there: a socket is reached through its directory when mounted, as the daemon makes it anew on restart. */
    public enum Kind {
        DIRECTORY, FILE, SOCKET
    }

    private final String relative;
    private final Kind kind;

    TargetPath(String relative, Kind kind) {
        this.relative = relative;
        this.kind = kind;
    }

    /** The path below the root, without a leading slash ("proc", "run/dbus/system_bus_socket"). */
    public String relative() {
        return relative;
    }

    public Kind kind() {
        return kind;
    }
}
