package org.ovshighway.guest.mapping;

import java.io.IOException;

/** A libc call failed; the message names the call, the file and errno with its text. */
public final class NativeCallException extends IOException {
    private final String function;
    private final int errno;

    NativeCallException(String function, String path, int errno) {
        super(function + " failed: path=" + path + " errno=" + errno + " (" + Errno.describe(errno) + ")");
        this.function = function;
        this.errno = errno;
    }

    /** The libc function that failed, e.g. {@code "mmap"}. */
    public String function() {
        return function;
    }

    /** errno right after the call. */
    public int errno() {
        return errno;
    }
}
