package io.hostdeck.host.namespaces;

/** The kinds of namespace, by their file in {@code /proc/PID/ns}, in lsns's order of importance. */
public enum NsType {
    PID("pid"), NET("net"), MNT("mnt"), UTS("uts"), IPC("ipc"), USER("user"), CGROUP("cgroup"), TIME("time");

    private final String file;

    NsType(String file) {
        this.file = file;
    }

    /** The file name under /proc/PID/ns, also lsns's name for the type. */
    public String file() {
        return file;
    }

    /** The type whose file under /proc/PID/ns is {@code file}, or null. */
    public static NsType ofFile(String file) {
        for (NsType t : values()) {
            if (t.file.equals(file)) {
                return t;
            }
        }
        return null;
    }

    /** nsenter's option that enters a namespace of this type ({@code --mount} for mnt). */
    public String nsenterOption() {
        return this == MNT ? "--mount" : "--" + file;
    }
}
