package org.ovshighway.guest.mapping;

/**
 * The nice value of the calling thread (Linux keeps one per thread): a guest's helper threads
 * (the library's log writer) can step behind its poll-mode threads in the run queue.
 */
public final class ThreadNice {
    /** Nice values Linux accepts. */
    public static final int MIN = -20;
    public static final int MAX = 19;

    private ThreadNice() {
    }

    /**
     * Sets the calling thread's nice value (raising it needs no privilege).
     *
     * @throws IllegalArgumentException when {@code nice} is outside {@value #MIN}..{@value #MAX}
     * @throws NativeCallException      naming the thread, the value and errno when the kernel refuses
     */
    public static void setCallingThread(int nice) throws NativeCallException {
        if (nice < MIN || nice > MAX) {
            throw new IllegalArgumentException("nice out of range " + MIN + ".." + MAX + ": nice=" + nice);
        }
        SetpriorityCall.setCallingThread(nice);
    }
}
