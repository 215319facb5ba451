package org.ovshighway.testbed;

/** Pinning of harness threads to cores, so producer and consumer never share one. */
public final class ThreadAffinity {
    private ThreadAffinity() {
    }

    /** Pins the calling thread to {@code cpu}; {@code cpu < 0} means "leave it unpinned". */
    public static void pinCurrentThread(int cpu) {
        if (cpu >= 0) {
            SchedSetaffinity.pinCallingThread(cpu);
        }
    }
}
