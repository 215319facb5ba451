package org.ovshighway.ovs.memif;

/**
 * One memif control message: 128 bytes, little-endian, packed, as {@code memif_msg_t} in DPDK's
 * {@code drivers/net/memif/memif.h} (memif protocol 2.0): a 16-bit type, then a union of the
 * per-type bodies starting at byte 2; unused bytes are zero.
 * <pre>
 * type (u16 @0): 0 NONE, 1 ACK, 2 HELLO, 3 INIT, 4 ADD_REGION, 5 ADD_RING, 6 CONNECT,
 *                7 CONNECTED, 8 DISCONNECT
 *
 * memif_msg_hello_t (server to client)
 *   2 name[32] | 34 min_version u16 | 36 max_version u16 | 38 max_region u16 |
 *  40 max_m2s_ring u16 (highest S2C ring index) | 42 max_s2m_ring u16 (highest C2S ring index) |
 *  44 max_log2_ring_size u8
 * memif_msg_init_t (client to server)
 *   2 version u16 | 4 id u32 | 8 mode u8 (0 ethernet) | 9 secret[24] | 33 name[32]
 * memif_msg_add_region_t (client to server; region fd in SCM_RIGHTS)
 *   2 index u16 | 4 size u64
 * memif_msg_add_ring_t (client to server; interrupt eventfd in SCM_RIGHTS)
 *   2 flags u16 (bit0 MEMIF_MSG_ADD_RING_FLAG_S2M = client-to-server ring) | 4 index u16 |
 *   6 region u16 | 8 offset u32 | 12 log2_ring_size u8 | 13 private_hdr_size u16
 * memif_msg_connect_t (client to server) / memif_msg_connected_t (server to client)
 *   2 if_name[32]
 * memif_msg_disconnect_t (either way)
 *   2 code u32 | 6 string[96]
 * </pre>
 * Strings are NUL-terminated within their field (DPDK fills them with {@code strlcpy}).
 */
final class MemifMessageDescriptor {
    static final int SIZE = 128;
    static final int NAME_SIZE = 32;
    static final int SECRET_SIZE = 24;
    static final int DISCONNECT_STRING_SIZE = 96;

    static final int TYPE_OFFSET = 0;
    static final int BODY_OFFSET = TYPE_OFFSET + 2;

    static final int HELLO_NAME_OFFSET = BODY_OFFSET;
    static final int HELLO_MIN_VERSION_OFFSET = HELLO_NAME_OFFSET + NAME_SIZE;
    static final int HELLO_MAX_VERSION_OFFSET = HELLO_MIN_VERSION_OFFSET + 2;
    static final int HELLO_MAX_REGION_OFFSET = HELLO_MAX_VERSION_OFFSET + 2;
    static final int HELLO_MAX_S2C_RING_OFFSET = HELLO_MAX_REGION_OFFSET + 2;
    static final int HELLO_MAX_C2S_RING_OFFSET = HELLO_MAX_S2C_RING_OFFSET + 2;
    static final int HELLO_MAX_LOG2_RING_SIZE_OFFSET = HELLO_MAX_C2S_RING_OFFSET + 2;

    static final int INIT_VERSION_OFFSET = BODY_OFFSET;
    static final int INIT_ID_OFFSET = INIT_VERSION_OFFSET + 2;
    static final int INIT_MODE_OFFSET = INIT_ID_OFFSET + 4;
    static final int INIT_SECRET_OFFSET = INIT_MODE_OFFSET + 1;
    static final int INIT_NAME_OFFSET = INIT_SECRET_OFFSET + SECRET_SIZE;

    static final int ADD_REGION_INDEX_OFFSET = BODY_OFFSET;
    static final int ADD_REGION_SIZE_OFFSET = ADD_REGION_INDEX_OFFSET + 2;

    static final int ADD_RING_FLAGS_OFFSET = BODY_OFFSET;
    static final int ADD_RING_INDEX_OFFSET = ADD_RING_FLAGS_OFFSET + 2;
    static final int ADD_RING_REGION_OFFSET = ADD_RING_INDEX_OFFSET + 2;
    static final int ADD_RING_OFFSET_OFFSET = ADD_RING_REGION_OFFSET + 2;
    static final int ADD_RING_LOG2_SIZE_OFFSET = ADD_RING_OFFSET_OFFSET + 4;
    static final int ADD_RING_PRIVATE_HDR_SIZE_OFFSET = ADD_RING_LOG2_SIZE_OFFSET + 1;
    /** {@code MEMIF_MSG_ADD_RING_FLAG_S2M}: the ring carries frames from the client to the server. */
    static final int ADD_RING_FLAG_C2S = 1;

    static final int CONNECT_IF_NAME_OFFSET = BODY_OFFSET;

    static final int DISCONNECT_CODE_OFFSET = BODY_OFFSET;
    static final int DISCONNECT_STRING_OFFSET = DISCONNECT_CODE_OFFSET + 4;

    /** {@code MEMIF_VERSION}: major 2, minor 0. */
    static final int VERSION_2_0 = 0x0200;
    /** {@code MEMIF_INTERFACE_MODE_ETHERNET}. */
    static final int MODE_ETHERNET = 0;

    private MemifMessageDescriptor() {
    }
}
