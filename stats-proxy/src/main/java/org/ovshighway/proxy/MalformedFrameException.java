package org.ovshighway.proxy;

/**
 * A peer sent bytes that cannot be cut into OpenFlow frames; the connection cannot be relayed any
 * further, because every later frame boundary would be a guess.
 */
public final class MalformedFrameException extends RuntimeException {

    private final long offset;

    /** {@code offset} is the stream offset of the offending header, counted from the connection's first byte. */
    public MalformedFrameException(String reason, long offset) {
        super(reason + " offset=" + offset);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
