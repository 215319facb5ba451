package org.ovshighway.guest.abi;

import java.util.Objects;

/**
 * Who a region belongs to: the identity fields of the header.
 *
 * @param kind       PORT or LINK
 * @param generation != 0; bumped by the agent whenever the region is re-initialised
 * @param linkId     LINK: the link id; PORT: 0
 * @param name0      LINK: port name of end 0; PORT: the port name
 * @param name1      LINK: port name of end 1; PORT: the guest name
 */
public record RegionIdentity(RegionKind kind, long generation, long linkId, String name0, String name1) {
    public RegionIdentity {
        Objects.requireNonNull(kind, "kind");
        if (generation == 0) {
            throw new IllegalArgumentException("generation must not be 0 (0 marks an uninitialised region)");
        }
        checkName("name0", name0);
        checkName("name1", name1);
        if (kind == RegionKind.LINK && name0.equals(name1)) {
            throw new IllegalArgumentException("the two ends of a link must differ: name0=" + name0 + " name1=" + name1);
        }
        if (kind == RegionKind.PORT && linkId != 0) {
            throw new IllegalArgumentException("a PORT region has no link id: linkId=" + linkId);
        }
    }

    /** The identity of a link region between ports {@code end0} and {@code end1}. */
    public static RegionIdentity link(long linkId, long generation, String end0, String end1) {
        return new RegionIdentity(RegionKind.LINK, generation, linkId, end0, end1);
    }

    /** The identity of the region of ring port {@code port} used by guest {@code guest}. */
    public static RegionIdentity port(long generation, String port, String guest) {
        return new RegionIdentity(RegionKind.PORT, generation, 0, port, guest);
    }

    /** The end (0 or 1) that port {@code portName} is in a LINK region, or -1. */
    public int endOf(String portName) {
        if (kind != RegionKind.LINK) {
            return -1;
        }
        if (name0.equals(portName)) {
            return 0;
        }
        return name1.equals(portName) ? 1 : -1;
    }

    static void checkName(String field, String name) {
        Objects.requireNonNull(name, field);
        if (!RegionNames.isValid(name)) {
            throw new IllegalArgumentException(field + " must be 1.." + RegionHeaderDescriptor.NAME_BYTES
                    + " printable ASCII characters (0x21..0x7e): " + field + "=\"" + name + "\"");
        }
    }
}
