package org.ovshighway.ovs.memif.sys;

import java.io.IOException;

/** A libc call failed: names the call, its errno (number and strerror text) and what it was about. */
public final class NativeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    NativeException(String call, int errno, String detail) {
        super(call + " failed: errno=" + errno + " (" + StrerrorCall.strerror(errno) + ")"
                + (detail.isEmpty() ? "" : " " + detail));
        this.call = call;
        this.errno = errno;
    }

    /** The libc function that failed, e.g. {@code "connect"}. */
    public String call() {
        return call;
    }

    /** The errno value the call left. */
    public int errno() {
        return errno;
    }
}
