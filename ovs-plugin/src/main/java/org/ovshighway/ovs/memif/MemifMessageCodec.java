package org.ovshighway.ovs.memif;

import static org.ovshighway.ovs.memif.MemifMessageDescriptor.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes {@link MemifMessage}s in the 128-byte wire format of
 * {@link MemifMessageDescriptor}. Decoding validates everything a peer controls and names the
 * field at fault; encoding rejects values that do not fit their wire field.
 */
public final class MemifMessageCodec {
    private static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private MemifMessageCodec() {
    }

    /** The 128 wire bytes of {@code message}. */
    public static byte[] encode(MemifMessage message) {
        byte[] bytes = new byte[SIZE];
        MemorySegment m = MemorySegment.ofArray(bytes);
        m.set(U16, TYPE_OFFSET, (short) message.type().code());
        switch (message) {
            case MemifMessage.Ack ack -> {
            }
            case MemifMessage.Hello h -> {
                putString(m, HELLO_NAME_OFFSET, NAME_SIZE, h.name(), "hello.name");
                m.set(U16, HELLO_MIN_VERSION_OFFSET, u16(h.minVersion(), "hello.min_version"));
                m.set(U16, HELLO_MAX_VERSION_OFFSET, u16(h.maxVersion(), "hello.max_version"));
                m.set(U16, HELLO_MAX_REGION_OFFSET, u16(h.maxRegionIndex(), "hello.max_region"));
                m.set(U16, HELLO_MAX_S2C_RING_OFFSET, u16(h.maxS2cRingIndex(), "hello.max_m2s_ring"));
                m.set(U16, HELLO_MAX_C2S_RING_OFFSET, u16(h.maxC2sRingIndex(), "hello.max_s2m_ring"));
                m.set(ValueLayout.JAVA_BYTE, HELLO_MAX_LOG2_RING_SIZE_OFFSET,
                        u8(h.maxLog2RingSize(), "hello.max_log2_ring_size"));
            }
            case MemifMessage.Init i -> {
                m.set(U16, INIT_VERSION_OFFSET, u16(i.version(), "init.version"));
                m.set(U32, INIT_ID_OFFSET, u32(i.id(), "init.id"));
                m.set(ValueLayout.JAVA_BYTE, INIT_MODE_OFFSET, u8(i.mode(), "init.mode"));
                putString(m, INIT_SECRET_OFFSET, SECRET_SIZE, i.secret(), "init.secret");
                putString(m, INIT_NAME_OFFSET, NAME_SIZE, i.name(), "init.name");
            }
            case MemifMessage.AddRegion r -> {
                m.set(U16, ADD_REGION_INDEX_OFFSET, u16(r.index(), "add_region.index"));
                if (r.size() <= 0) {
                    throw new IllegalArgumentException("field=add_region.size value=" + r.size() + " must be > 0");
                }
                m.set(U64, ADD_REGION_SIZE_OFFSET, r.size());
            }
            case MemifMessage.AddRing r -> {
                m.set(U16, ADD_RING_FLAGS_OFFSET, (short) (r.clientToServer() ? ADD_RING_FLAG_C2S : 0));
                m.set(U16, ADD_RING_INDEX_OFFSET, u16(r.index(), "add_ring.index"));
                m.set(U16, ADD_RING_REGION_OFFSET, u16(r.region(), "add_ring.region"));
                m.set(U32, ADD_RING_OFFSET_OFFSET, u32(r.offset(), "add_ring.offset"));
                m.set(ValueLayout.JAVA_BYTE, ADD_RING_LOG2_SIZE_OFFSET, u8(r.log2RingSize(), "add_ring.log2_ring_size"));
                m.set(U16, ADD_RING_PRIVATE_HDR_SIZE_OFFSET, u16(r.privateHeaderSize(), "add_ring.private_hdr_size"));
            }
            case MemifMessage.Connect c -> putString(m, CONNECT_IF_NAME_OFFSET, NAME_SIZE, c.interfaceName(), "connect.if_name");
            case MemifMessage.Connected c ->
                    putString(m, CONNECT_IF_NAME_OFFSET, NAME_SIZE, c.interfaceName(), "connected.if_name");
            case MemifMessage.Disconnect d -> {
                m.set(U32, DISCONNECT_CODE_OFFSET, u32(d.code(), "disconnect.code"));
                putString(m, DISCONNECT_STRING_OFFSET, DISCONNECT_STRING_SIZE, d.reason(), "disconnect.string");
            }
        }
        return bytes;
    }

    /**
     * Decodes one received message.
     *
     * @throws MemifProtocolException when the length is not 128, the type is unknown or NONE, or
     *         a field is invalid (the message names the field and its value)
     */
    public static MemifMessage decode(byte[] bytes) throws MemifProtocolException {
        if (bytes.length != SIZE) {
            throw new MemifProtocolException("bad memif message length=" + bytes.length + " expected=" + SIZE);
        }
        MemorySegment m = MemorySegment.ofArray(bytes);
        int code = Short.toUnsignedInt(m.get(U16, TYPE_OFFSET));
        MemifMessageType type = MemifMessageType.ofCode(code);
        if (type == null || type == MemifMessageType.NONE) {
            throw new MemifProtocolException("unknown memif message type=" + code);
        }
        return switch (type) {
            case ACK -> new MemifMessage.Ack();
            case HELLO -> decodeHello(m);
            case INIT -> {
                int mode = u8At(m, INIT_MODE_OFFSET);
                if (mode > 2) {
                    throw field("init.mode", mode, "expected 0 (ethernet), 1 (ip) or 2 (punt/inject)");
                }
                yield new MemifMessage.Init(u16At(m, INIT_VERSION_OFFSET), u32At(m, INIT_ID_OFFSET), mode,
                        getString(m, INIT_SECRET_OFFSET, SECRET_SIZE, "init.secret"),
                        getString(m, INIT_NAME_OFFSET, NAME_SIZE, "init.name"));
            }
            case ADD_REGION -> {
                long size = m.get(U64, ADD_REGION_SIZE_OFFSET);
                if (size <= 0) {
                    throw field("add_region.size", Long.toUnsignedString(size), "must be > 0");
                }
                yield new MemifMessage.AddRegion(u16At(m, ADD_REGION_INDEX_OFFSET), size);
            }
            case ADD_RING -> {
                int flags = u16At(m, ADD_RING_FLAGS_OFFSET);
                if ((flags & ~ADD_RING_FLAG_C2S) != 0) {
                    throw field("add_ring.flags", "0x" + Integer.toHexString(flags), "only bit0 (S2M) is defined");
                }
                int log2 = u8At(m, ADD_RING_LOG2_SIZE_OFFSET);
                if (log2 > MemifRingDescriptor.MAX_LOG2_RING_SIZE) {
                    throw field("add_ring.log2_ring_size", log2, "max=" + MemifRingDescriptor.MAX_LOG2_RING_SIZE);
                }
                yield new MemifMessage.AddRing((flags & ADD_RING_FLAG_C2S) != 0, u16At(m, ADD_RING_INDEX_OFFSET),
                        u16At(m, ADD_RING_REGION_OFFSET), u32At(m, ADD_RING_OFFSET_OFFSET), log2,
                        u16At(m, ADD_RING_PRIVATE_HDR_SIZE_OFFSET));
            }
            case CONNECT -> new MemifMessage.Connect(getString(m, CONNECT_IF_NAME_OFFSET, NAME_SIZE, "connect.if_name"));
            case CONNECTED ->
                    new MemifMessage.Connected(getString(m, CONNECT_IF_NAME_OFFSET, NAME_SIZE, "connected.if_name"));
            case DISCONNECT -> new MemifMessage.Disconnect(u32At(m, DISCONNECT_CODE_OFFSET),
                    getString(m, DISCONNECT_STRING_OFFSET, DISCONNECT_STRING_SIZE, "disconnect.string"));
            case NONE -> throw new AssertionError("NONE rejected above");
        };
    }

    private static MemifMessage.Hello decodeHello(MemorySegment m) throws MemifProtocolException {
        int min = u16At(m, HELLO_MIN_VERSION_OFFSET);
        int max = u16At(m, HELLO_MAX_VERSION_OFFSET);
        if (min > max) {
            throw new MemifProtocolException("bad memif HELLO: field=hello.min_version value=0x"
                    + Integer.toHexString(min) + " above field=hello.max_version value=0x" + Integer.toHexString(max));
        }
        int log2 = u8At(m, HELLO_MAX_LOG2_RING_SIZE_OFFSET);
        if (log2 == 0 || log2 > MemifRingDescriptor.MAX_LOG2_RING_SIZE) {
            throw field("hello.max_log2_ring_size", log2, "expected 1.." + MemifRingDescriptor.MAX_LOG2_RING_SIZE);
        }
        return new MemifMessage.Hello(getString(m, HELLO_NAME_OFFSET, NAME_SIZE, "hello.name"), min, max,
                u16At(m, HELLO_MAX_REGION_OFFSET), u16At(m, HELLO_MAX_S2C_RING_OFFSET),
                u16At(m, HELLO_MAX_C2S_RING_OFFSET), log2);
    }

    private static MemifProtocolException field(String name, Object value, String expectation) {
        return new MemifProtocolException("bad memif message: field=" + name + " value=" + value + " " + expectation);
    }

    private static int u16At(MemorySegment m, long offset) {
        return Short.toUnsignedInt(m.get(U16, offset));
    }

    private static long u32At(MemorySegment m, long offset) {
        return Integer.toUnsignedLong(m.get(U32, offset));
    }

    private static int u8At(MemorySegment m, long offset) {
        return Byte.toUnsignedInt(m.get(ValueLayout.JAVA_BYTE, offset));
    }

    private static short u16(int value, String field) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("field=" + field + " value=" + value + " does not fit u16");
        }
        return (short) value;
    }

    private static byte u8(int value, String field) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException("field=" + field + " value=" + value + " does not fit u8");
        }
        return (byte) value;
    }

    private static int u32(long value, String field) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("field=" + field + " value=" + value + " does not fit u32");
        }
        return (int) value;
    }

    /** Writes {@code text} NUL-terminated; it must leave room for the NUL. */
    private static void putString(MemorySegment m, long offset, int fieldSize, String text, String field) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length > fieldSize - 1) {
            throw new IllegalArgumentException("field=" + field + " value=\"" + text + "\" bytes=" + b.length
                    + " max=" + (fieldSize - 1));
        }
        MemorySegment.copy(b, 0, m, ValueLayout.JAVA_BYTE, offset, b.length);
    }

    /** Reads a NUL-terminated string that must end inside its field. */
    private static String getString(MemorySegment m, long offset, int fieldSize, String field)
            throws MemifProtocolException {
        for (int i = 0; i < fieldSize; i++) {
            if (m.get(ValueLayout.JAVA_BYTE, offset + i) == 0) {
                byte[] b = m.asSlice(offset, i).toArray(ValueLayout.JAVA_BYTE);
                return new String(b, StandardCharsets.UTF_8);
            }
        }
        throw new MemifProtocolException("bad memif message: field=" + field + " is not NUL-terminated within "
                + fieldSize + " bytes");
    }
}
