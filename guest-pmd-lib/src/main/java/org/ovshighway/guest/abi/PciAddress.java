package org.ovshighway.guest.abi;

/**
 * A PCI address as sysfs names a device directory ({@code DDDD:BB:SS.F}), and its encoding in
 * the PORT region's {@code requestDevice} word (since ABI 1.4; see {@link RegionHeaderDescriptor}):
 * <pre>
 * bit  32      1 = an address is given (0: the whole word is 0, "look for the device")
 * bits 16..31  domain
 * bits  8..15  bus
 * bits  3..7   device (slot)
 * bits  0..2   function
 * bits 33..63  0
 * </pre>
 *
 * @param domain   0..0xffff
 * @param bus      0..0xff
 * @param device   0..0x1f
 * @param function 0..7
 */
public record PciAddress(int domain, int bus, int device, int function) {
    /** The request word's value when no address is given. */
    public static final long NONE = 0;
    private static final long GIVEN = 1L << 32;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    public PciAddress {
        if (domain < 0 || domain > 0xffff || bus < 0 || bus > 0xff || device < 0 || device > 0x1f
                || function < 0 || function > 7) {
            throw new IllegalArgumentException("PCI address out of range: domain=" + domain + " bus=" + bus
                    + " device=" + device + " function=" + function);
        }
    }

    /**
     * Parses a sysfs device directory name, {@code DDDD:BB:SS.F} in hex (e.g. {@code 0000:00:1f.0}).
     *
     * @throws IllegalArgumentException naming the text when it is not one
     */
    public static PciAddress parse(String sysfsName) {
        if (sysfsName == null || sysfsName.length() != 12 || sysfsName.charAt(4) != ':' || sysfsName.charAt(7) != ':'
                || sysfsName.charAt(10) != '.') {
            throw new IllegalArgumentException("not a PCI address DDDD:BB:SS.F: text=" + sysfsName);
        }
        try {
            return new PciAddress(Integer.parseInt(sysfsName, 0, 4, 16), Integer.parseInt(sysfsName, 5, 7, 16),
                    Integer.parseInt(sysfsName, 8, 10, 16), Integer.parseInt(sysfsName, 11, 12, 16));
        } catch (IllegalArgumentException e) {
            // not hex, or a field out of range (NumberFormatException is one too)
            throw new IllegalArgumentException("not a PCI address DDDD:BB:SS.F: text=" + sysfsName + " (" + e.getMessage()
                    + ")", e);
        }
    }

    /**
     * The address a {@code requestDevice} word gives, or null when it gives none (0) or is not a
     * valid encoding (a reader never trusts shared memory: it then looks for the device itself).
     */
    public static PciAddress fromWord(long word) {
        if ((word & ~(GIVEN | 0xffff_ffffL)) != 0 || (word & GIVEN) == 0) {
            return null;
        }
        return new PciAddress((int) (word >>> 16) & 0xffff, (int) (word >>> 8) & 0xff, (int) (word >>> 3) & 0x1f,
                (int) word & 7);
    }

    /** This address as a {@code requestDevice} word. */
    public long word() {
        return GIVEN | (long) domain << 16 | (long) bus << 8 | (long) device << 3 | function;
    }

    /** The sysfs device directory name, lower-case hex: {@code DDDD:BB:SS.F}. */
    public String sysfsName() {
        char[] c = new char[12];
        hex(c, 0, domain, 4);
        c[4] = ':';
        hex(c, 5, bus, 2);
        c[7] = ':';
        hex(c, 8, device, 2);
        c[10] = '.';
        c[11] = HEX[function];
        return new String(c);
    }

    private static void hex(char[] out, int at, int value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX[value & 0xf];
            value >>>= 4;
        }
    }

    @Override
    public String toString() {
        return sysfsName();
    }
}
