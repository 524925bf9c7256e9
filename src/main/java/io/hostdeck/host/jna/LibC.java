package io.hostdeck.host.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/** The few libc calls Hostdeck makes itself; each throws LastErrorException with the errno. */
public interface LibC extends Library {

    LibC INSTANCE = Native.load("c", LibC.class);

    int O_RDONLY = 0;
    int O_DIRECTORY = 0200000;
    int O_CLOEXEC = 02000000;
    int ESRCH = 3;
    int ENOENT = 2;
    /** pidfd_send_signal(2) on x86_64 and arm64 (the unified syscall table of 5.1+). */
    long SYS_PIDFD_SEND_SIGNAL = 424;

    int open(String path, int flags) throws LastErrorException;

    int openat(int dirfd, String path, int flags) throws LastErrorException;

    long read(int fd, byte[] buffer, long count) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int syscall(long number, Object... args) throws LastErrorException;

    int AF_UNIX = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 02000000;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    /** {@code addr} is a struct sockaddr_un: the family (2 bytes, host order) and a NUL-terminated path. */
    long sendto(int fd, byte[] buffer, long length, int flags, byte[] addr, int addrLength) throws LastErrorException;
}
