package org.ovshighway.agent;

import org.ovshighway.guest.mapping.NativeCallException;

/**
 * The nice value of the calling thread alone (Linux keeps one per thread; the call is the guest
 * library's {@link org.ovshighway.guest.mapping.ThreadNice}), so the agent can give the few threads a link's
 * establishment and revert wait for a better place in the run queue than its other threads (the
 * start-up warm-up, logging, the control socket).
 */
final class ThreadNice {
    /** Nice values Linux accepts. */
    static final int MIN = org.ovshighway.guest.mapping.ThreadNice.MIN;
    static final int MAX = org.ovshighway.guest.mapping.ThreadNice.MAX;
    private static final int EACCES = 13;
    private static final int EPERM = 1;

    private ThreadNice() {
    }

    /**
     * Sets the calling thread's nice value (through the guest library's {@code setpriority} call).
     *
     * @throws IllegalArgumentException when {@code nice} is outside {@value #MIN}..{@value #MAX}
     * @throws IllegalStateException naming the thread, the value and errno when the kernel refuses
     *                               (EACCES/EPERM: lowering it needs root or CAP_SYS_NICE)
     */
    static void setCallingThread(int nice) {
        try {
            org.ovshighway.guest.mapping.ThreadNice.setCallingThread(nice);
        } catch (NativeCallException e) {
            int errno = e.errno();
            throw new IllegalStateException("setpriority failed: thread=" + Thread.currentThread().getName()
                    + " nice=" + nice + " errno=" + errno
                    + (errno == EACCES || errno == EPERM ? " (a lower nice value needs root or CAP_SYS_NICE)" : ""), e);
        }
    }

    /**
     * {@link #setCallingThread}, logging instead of throwing when the kernel refuses: a thread at
     * the default priority still does its work, later.
     */
    static void trySetCallingThread(int nice, System.Logger log) {
        try {
            setCallingThread(nice);
        } catch (IllegalStateException e) {
            log.log(System.Logger.Level.WARNING, "thread keeps its priority: " + e.getMessage());
        }
    }
}
