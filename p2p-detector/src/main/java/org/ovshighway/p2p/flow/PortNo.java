package org.ovshighway.p2p.flow;

/**
 * An OpenFlow port number in OpenFlow 1.1+ numbering (unsigned 32 bits), including the reserved
 * ports as named constants. OpenFlow 1.0's 16-bit numbers are converted with {@link #fromOf10(int)}
 * so that the whole model uses one numbering.
 */
public record PortNo(long number) implements Comparable<PortNo> {

    /** First reserved port number (OFPP_MAX + 1 is 0xffffff00; reserved ports start at 0xfffffff8). */
    public static final long FIRST_RESERVED = 0xffffff00L;
    /** Highest port number an OpenFlow 1.0 switch can use for a physical or logical port. */
    private static final int OF10_MAX = 0xff00;

    public static final PortNo IN_PORT = new PortNo(0xfffffff8L);
    public static final PortNo TABLE = new PortNo(0xfffffff9L);
    public static final PortNo NORMAL = new PortNo(0xfffffffaL);
    public static final PortNo FLOOD = new PortNo(0xfffffffbL);
    public static final PortNo ALL = new PortNo(0xfffffffcL);
    public static final PortNo CONTROLLER = new PortNo(0xfffffffdL);
    public static final PortNo LOCAL = new PortNo(0xfffffffeL);
    public static final PortNo ANY = new PortNo(0xffffffffL);

    public PortNo {
        if (number < 0 || number > 0xffffffffL) {
            throw new IllegalArgumentException("port number out of unsigned 32-bit range: number=" + number);
        }
    }

    /**
     * The port with this number. Numbers below {@link #SHARED_BELOW} give one shared instance per
     * number (filled on first use; a race only creates an equal instance once more), so the
     * detector's many references to a port, and the hash map lookups keyed by it, touch one object
     * instead of one per rule.
     */
    public static PortNo of(long number) {
        if (number >= 0 && number < SHARED_BELOW) {
            PortNo shared = SHARED[(int) number];
            if (shared == null) {
                shared = new PortNo(number);
                SHARED[(int) number] = shared;
            }
            return shared;
        }
        return new PortNo(number);
    }

    /** Port numbers below this one are shared by {@link #of}; OVS numbers ordinary ports from 1 upwards. */
    static final int SHARED_BELOW = 4096;
    private static final PortNo[] SHARED = new PortNo[SHARED_BELOW];

    /**
     * Converts an OpenFlow 1.0 (16-bit) port number: 0xfff8..0xffff are the reserved ports,
     * numbers up to 0xff00 are ordinary ports, the rest is invalid.
     */
    public static PortNo fromOf10(int of10) {
        if (of10 < 0 || of10 > 0xffff) {
            throw new IllegalArgumentException("OpenFlow 1.0 port number out of 16-bit range: port=" + of10);
        }
        if (of10 >= 0xfff8) {
            return new PortNo(0xffff0000L | of10);
        }
        if (of10 > OF10_MAX) {
            throw new IllegalArgumentException("OpenFlow 1.0 port number in the invalid range 0xff01..0xfff7: port=0x"
                    + Integer.toHexString(of10));
        }
        return new PortNo(of10);
    }

    /** True for the reserved ports (IN_PORT, TABLE, NORMAL, FLOOD, ALL, CONTROLLER, LOCAL, ANY) and the range below them. */
    public boolean isReserved() {
        return number >= FIRST_RESERVED;
    }

    @Override
    public int compareTo(PortNo other) {
        return Long.compare(number, other.number);
    }

    /** ovs-ofctl spelling: reserved ports by name, others in decimal. */
    @Override
    public String toString() {
        if (number == IN_PORT.number) return "IN_PORT";
        if (number == TABLE.number) return "TABLE";
        if (number == NORMAL.number) return "NORMAL";
        if (number == FLOOD.number) return "FLOOD";
        if (number == ALL.number) return "ALL";
        if (number == CONTROLLER.number) return "CONTROLLER";
        if (number == LOCAL.number) return "LOCAL";
        if (number == ANY.number) return "ANY";
        return Long.toString(number);
    }
}
