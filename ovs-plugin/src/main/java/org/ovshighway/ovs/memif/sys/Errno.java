package org.ovshighway.ovs.memif.sys;

/** The few errno values this package reacts to (Linux x86_64, {@code asm-generic/errno*.h}). */
public final class Errno {
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EPIPE = 32;
    public static final int ECONNRESET = 104;
    public static final int ECONNREFUSED = 111;

    private Errno() {
    }
}
