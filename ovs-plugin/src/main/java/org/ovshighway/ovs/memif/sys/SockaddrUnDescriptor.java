package org.ovshighway.ovs.memif.sys;

/**
 * {@code struct sockaddr_un} on Linux ({@code sys/un.h}), 110 bytes:
 * <pre>
 *  0      2                                              110
 *  +------+-----------------------------------------------+
 *  |family|  sun_path[108] (NUL-terminated path)          |
 *  +------+-----------------------------------------------+
 * </pre>
 */
final class SockaddrUnDescriptor {
    static final int FAMILY_OFFSET = 0;
    static final int FAMILY_SIZE = 2;
    static final int PATH_OFFSET = FAMILY_OFFSET + FAMILY_SIZE;
    static final int PATH_SIZE = 108;
    static final int SIZE = PATH_OFFSET + PATH_SIZE;

    /** Longest path that fits with its terminating NUL. */
    static final int MAX_PATH_BYTES = PATH_SIZE - 1;

    private SockaddrUnDescriptor() {
    }
}
