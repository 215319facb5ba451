package org.ovshighway.guest.mapping;

import java.util.BitSet;

/** The CPUs a thread may run on (Linux {@code sched_getaffinity}/{@code sched_setaffinity}). */
public final class CpuAffinity {
    /** Mask size passed to the kernel: 8192 CPUs. */
    static final int MASK_BYTES = 1024;

    private CpuAffinity() {
    }

    /** The CPUs the calling thread may run on. */
    public static BitSet currentThread() throws NativeCallException {
        return BitSet.valueOf(SchedGetaffinityCall.mask(0));
    }

    /** The CPUs the process's main thread may run on (the process's mask, unless that thread changed its own). */
    public static BitSet process() throws NativeCallException {
        return BitSet.valueOf(SchedGetaffinityCall.mask(Math.toIntExact(ProcessHandle.current().pid())));
    }

    /** Restricts the calling thread to {@code cpus} (non-empty). */
    public static void setCurrentThread(BitSet cpus) throws NativeCallException {
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("an affinity mask needs at least one CPU: cpus=" + cpus);
        }
        byte[] bits = cpus.toByteArray();
        if (bits.length > MASK_BYTES) {
            throw new IllegalArgumentException("CPU number beyond the mask: highest=" + (cpus.length() - 1)
                    + " max=" + (MASK_BYTES * 8 - 1));
        }
        byte[] mask = new byte[MASK_BYTES];
        System.arraycopy(bits, 0, mask, 0, bits.length);
        SchedSetaffinityCall.set(0, mask);
    }
}
