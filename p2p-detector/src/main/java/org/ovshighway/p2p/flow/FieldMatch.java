package org.ovshighway.p2p.flow;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * One field constraint of a match, or one value written by a set_field action: a field, its value
 * bytes (network order) and an optional mask ({@code null} means exact). Normalised on construction
 * so that equal constraints are equal objects: value bits outside the mask are cleared and an
 * all-ones mask becomes {@code null}. An all-zero mask constrains nothing; {@link Match} drops it.
 * Arrays are copied in and out, so instances are immutable.
 */
public record FieldMatch(FieldId field, byte[] value, byte[] mask) {

    private static final HexFormat HEX = HexFormat.of();
    private static final Set<String> DECIMAL_FIELDS = Set.of("ip_proto", "tcp_src", "tcp_dst", "udp_src",
            "udp_dst", "sctp_src", "sctp_dst", "vlan_pcp", "ip_dscp", "ip_ecn", "icmpv4_type", "icmpv4_code",
            "icmpv6_type", "icmpv6_code", "arp_op", "mpls_label", "mpls_tc", "mpls_bos");
    private static final Set<String> MAC_FIELDS = Set.of("eth_src", "eth_dst", "arp_sha", "arp_tha", "nd_sll", "nd_tll");
    private static final Set<String> IPV4_FIELDS = Set.of("ipv4_src", "ipv4_dst", "arp_spa", "arp_tpa");

    public FieldMatch {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(value, "value");
        if (value.length == 0) {
            throw new IllegalArgumentException("field value must not be empty: field=" + field);
        }
        value = value.clone();
        if (mask != null) {
            if (mask.length != value.length) {
                throw new IllegalArgumentException("mask length differs from value length: field=" + field
                        + " valueLength=" + value.length + " maskLength=" + mask.length);
            }
            mask = mask.clone();
            boolean allOnes = true;
            for (int i = 0; i < value.length; i++) {
                value[i] &= mask[i];
                allOnes &= mask[i] == (byte) 0xff;
            }
            if (allOnes) {
                mask = null;
            }
        }
        if (field.equals(FieldId.IN_PORT) && value.length != 4) {
            throw new IllegalArgumentException("in_port value must be 4 bytes (OpenFlow 1.1+ numbering, see PortNo.fromOf10): length="
                    + value.length);
        }
    }

    public static FieldMatch exact(FieldId field, byte[] value) {
        return new FieldMatch(field, value, null);
    }

    public static FieldMatch masked(FieldId field, byte[] value, byte[] mask) {
        return new FieldMatch(field, value, mask);
    }

    /** An exact constraint holding an unsigned number in {@code bytes} bytes, network order. */
    public static FieldMatch exact(FieldId field, long number, int bytes) {
        return new FieldMatch(field, toBytes(field, number, bytes), null);
    }

    /** A masked constraint holding unsigned numbers in {@code bytes} bytes, network order. */
    public static FieldMatch masked(FieldId field, long number, long mask, int bytes) {
        return new FieldMatch(field, toBytes(field, number, bytes), toBytes(field, mask, bytes));
    }

    public static FieldMatch inPort(PortNo port) {
        return exact(FieldId.IN_PORT, port.number(), 4);
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The mask, or {@code null} for an exact match. */
    @Override
    public byte[] mask() {
        return mask == null ? null : mask.clone();
    }

    public boolean isExact() {
        return mask == null;
    }

    /** True when the mask has no bit set: the constraint admits every value. */
    public boolean isWildcard() {
        if (mask == null) {
            return false;
        }
        for (byte b : mask) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The value as an unsigned number; only for values of at most 8 bytes. */
    public long valueAsLong() {
        if (value.length > 8) {
            throw new IllegalStateException("value longer than 8 bytes: field=" + field + " length=" + value.length);
        }
        long n = 0;
        for (byte b : value) {
            n = (n << 8) | (b & 0xff);
        }
        return n;
    }

    /**
     * True when some packet may satisfy both constraints (same field assumed). Values of different
     * lengths are a field this model does not understand; they count as overlapping.
     */
    public boolean overlaps(FieldMatch other) {
        requireSameField(other);
        if (value.length != other.value.length) {
            return true;
        }
        for (int i = 0; i < value.length; i++) {
            int m = maskByte(i) & other.maskByte(i);
            if ((value[i] & m) != (other.value[i] & m)) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when every value admitted by {@code narrower} is admitted by this constraint: this mask is
     * a subset of the narrower mask and the values agree under this mask. Different lengths: false.
     */
    public boolean covers(FieldMatch narrower) {
        requireSameField(narrower);
        if (value.length != narrower.value.length) {
            return false;
        }
        for (int i = 0; i < value.length; i++) {
            int m = maskByte(i);
            if ((m & ~narrower.maskByte(i) & 0xff) != 0 || (narrower.value[i] & m) != value[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The constraint admitting exactly the values both admit; only meaningful when they
     * {@link #overlaps overlap}. With values of different lengths this constraint is returned
     * unchanged, a superset of the intersection.
     */
    public FieldMatch intersect(FieldMatch other) {
        requireSameField(other);
        if (value.length != other.value.length) {
            return this;
        }
        byte[] v = new byte[value.length];
        byte[] m = new byte[value.length];
        for (int i = 0; i < value.length; i++) {
            m[i] = (byte) (maskByte(i) | other.maskByte(i));
            v[i] = (byte) ((value[i] & maskByte(i)) | (other.value[i] & other.maskByte(i)));
        }
        return new FieldMatch(field, v, m);
    }

    private int maskByte(int i) {
        return mask == null ? 0xff : mask[i] & 0xff;
    }

    private void requireSameField(FieldMatch other) {
        if (!field.equals(other.field)) {
            throw new IllegalArgumentException("constraints on different fields: field=" + field + " other=" + other.field);
        }
    }

    private static byte[] toBytes(FieldId field, long number, int bytes) {
        if (bytes < 1 || bytes > 8) {
            throw new IllegalArgumentException("numeric field width must be 1..8 bytes: field=" + field + " bytes=" + bytes);
        }
        if (bytes < 8 && (number >>> (8 * bytes)) != 0) {
            throw new IllegalArgumentException("value does not fit: field=" + field + " value=" + number + " bytes=" + bytes);
        }
        byte[] out = new byte[bytes];
        for (int i = bytes - 1; i >= 0; i--) {
            out[i] = (byte) number;
            number >>>= 8;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldMatch other && field.equals(other.field) && Arrays.equals(value, other.value)
                && Arrays.equals(mask, other.mask);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * field.hashCode() + Arrays.hashCode(value)) + Arrays.hashCode(mask);
    }

    /** ovs-ofctl-like {@code name=value[/mask]}. */
    @Override
    public String toString() {
        return field + "=" + format(value) + (mask == null ? "" : "/" + format(mask));
    }

    private String format(byte[] bytes) {
        String name = field.name();
        if (field.equals(FieldId.IN_PORT) && bytes == value && mask == null) {
            return PortNo.of(valueAsLong()).toString();
        }
        if (MAC_FIELDS.contains(name) && bytes.length == 6) {
            return HexFormat.ofDelimiter(":").formatHex(bytes);
        }
        if (IPV4_FIELDS.contains(name) && bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        if (DECIMAL_FIELDS.contains(name) && bytes.length <= 4 && bytes == value && mask == null) {
            long n = 0;
            for (byte b : bytes) {
                n = (n << 8) | (b & 0xff);
            }
            return Long.toString(n);
        }
        return "0x" + HEX.formatHex(bytes);
    }
}
