package org.ovshighway.guest.remap;

import java.lang.foreign.MemorySegment;

/** The port's own receive path (its ring-port RX rings), as the remap code polls it. */
public interface OldReceivePath {
    /**
     * Receives up to {@code max} packets (after handing back the previous burst's buffers).
     *
     * @return packets placed in {@code offsets[0..n)} / {@code lengths[0..n)}, offsets relative to {@link #region()}
     */
    int receive(long[] offsets, int[] lengths, int max);

    /**
     * Looks at every RX ring now (an acquire each): what is published in them at this moment is
     * what {@link #receiveObserved} may return.
     */
    void observe();

    /** Like {@link #receive}, but only packets the last {@link #observe} saw (or fewer). */
    int receiveObserved(long[] offsets, int[] lengths, int max);

    /** The segment received offsets are relative to. */
    MemorySegment region();
}
