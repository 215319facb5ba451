package org.ovshighway.guest.abi;

import java.io.IOException;

/**
 * A region's header is not a valid Highway header. The message names the offending field and
 * its value as {@code key=value} pairs; {@link #field()} gives the field name alone.
 */
public final class RegionFormatException extends IOException {
    private final String field;

    public RegionFormatException(String field, String detail) {
        super("invalid region header: field=" + field + " " + detail);
        this.field = field;
    }

    /** The header field that failed validation, e.g. {@code "magic"} or {@code "ring[1].bufferAreaOffset"}. */
    public String field() {
        return field;
    }
}
