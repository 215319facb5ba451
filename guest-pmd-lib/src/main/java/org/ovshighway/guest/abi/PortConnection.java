package org.ovshighway.guest.abi;

import java.lang.foreign.MemorySegment;

/**
 * The connection word of a PORT region (ABI 1.1, header line 4 at
 * {@link RegionHeaderDescriptor#PORT_CONNECTION_OFFSET}): whether OVS-DPDK's memif server is
 * serving the region's rings, and under which connection generation.
 *
 * <pre>
 * u64 connection   bits 0..7  state: {@link #STATE_DOWN} = 0, {@link #STATE_UP} = 1
 *                  bits 8..63 generation: the connection generation the state belongs to
 *                             (0 = never connected; the agent bumps it on every memif connect)
 * </pre>
 *
 * <p>Only the agent writes the word, with one release store per change ({@link #publish}).
 * The memif server resets the indices of every ring when it accepts a client's CONNECT, so a
 * guest must not touch the rings while the word says DOWN and must take fresh ring state (indices
 * as the server set them) when it sees UP with a generation its ring state does not belong to.
 * The agent writes DOWN before it reconnects and UP with the new generation once the server
 * answered CONNECTED. A fresh region holds 0 (DOWN, generation 0).
 */
public final class PortConnection {
    /** The memif server is not serving the rings: the guest sends nothing and receives nothing. */
    public static final int STATE_DOWN = 0;
    /** The memif server is serving the rings under the word's generation. */
    public static final int STATE_UP = 1;
    /** Largest generation the word can carry (56 bits). */
    public static final long MAX_GENERATION = (1L << 56) - 1;

    private PortConnection() {
    }

    /** The word for {@code generation} in state UP or DOWN. */
    public static long word(long generation, boolean up) {
        if (generation < 0 || generation > MAX_GENERATION) {
            throw new IllegalArgumentException("connection generation out of range 0.." + MAX_GENERATION
                    + ": generation=" + generation);
        }
        return (generation << 8) | (up ? STATE_UP : STATE_DOWN);
    }

    /** State bits of a word (STATE_DOWN, STATE_UP, or another value a newer or broken writer left). */
    public static int state(long word) {
        return (int) (word & 0xff);
    }

    /** Whether a word says UP (any other state counts as down). */
    public static boolean isUp(long word) {
        return state(word) == STATE_UP;
    }

    /** Generation of a word. */
    public static long generation(long word) {
        return word >>> 8;
    }

    /**
     * Agent side: publishes the connection state with a release store and returns the word.
     * Pairs with the acquire load in {@link #acquire}: a guest that sees UP also sees everything
     * the agent wrote before (the reconnect finished). Only one thread of one agent may call this
     * for a region.
     */
    public static long publish(MemorySegment region, long generation, boolean up) {
        long word = word(generation, up);
        Le.U64_HANDLE.setRelease(region, RegionHeaderDescriptor.PORT_CONNECTION_OFFSET, word);
        return word;
    }

    /** Guest (or agent) side: the connection word, one acquire load (pairs with {@link #publish}). */
    public static long acquire(MemorySegment region) {
        return (long) Le.U64_HANDLE.getAcquire(region, RegionHeaderDescriptor.PORT_CONNECTION_OFFSET);
    }

    /** Human-readable form for logs: {@code UP/generation=5}. */
    public static String describe(long word) {
        int state = state(word);
        String name = state == STATE_UP ? "UP" : state == STATE_DOWN ? "DOWN" : "state" + state;
        return name + "/generation=" + generation(word);
    }
}
