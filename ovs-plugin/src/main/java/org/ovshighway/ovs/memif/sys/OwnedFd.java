package org.ovshighway.ovs.memif.sys;

import java.nio.file.Path;

/**
 * A file descriptor this process opened and must close exactly once. Not thread-safe: one
 * owner uses and closes it.
 */
public final class OwnedFd implements AutoCloseable {
    private final int fd;
    private final String what;
    private boolean closed;

    private OwnedFd(int fd, String what) {
        this.fd = fd;
        this.what = what;
    }

    /** Opens {@code path} read-write, close-on-exec (a region file to pass over SCM_RIGHTS). */
    public static OwnedFd openReadWrite(Path path) throws NativeException {
        String text = path.toString();
        return new OwnedFd(OpenCall.open(text, OpenCall.O_RDWR | OpenCall.O_CLOEXEC), "path=" + text);
    }

    /** A non-blocking, close-on-exec eventfd with counter 0 (a memif ring's interrupt descriptor). */
    public static OwnedFd eventfd(String purpose) throws NativeException {
        return new OwnedFd(EventfdCall.eventfd(0, EventfdCall.EFD_CLOEXEC | EventfdCall.EFD_NONBLOCK),
                "eventfd=" + purpose);
    }

    /** Adopts a descriptor received from a peer. */
    static OwnedFd adopt(int fd, String what) {
        return new OwnedFd(fd, what);
    }

    /** The descriptor number; throws once closed so a stale number is never reused by mistake. */
    public int value() {
        if (closed) {
            throw new IllegalStateException("descriptor already closed: fd=" + fd + " " + what);
        }
        return fd;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Closes it; a second call does nothing. */
    @Override
    public void close() throws NativeException {
        if (closed) {
            return;
        }
        closed = true;
        CloseCall.close(fd, what);
    }

    @Override
    public String toString() {
        return "fd=" + fd + " " + what + (closed ? " (closed)" : "");
    }
}
