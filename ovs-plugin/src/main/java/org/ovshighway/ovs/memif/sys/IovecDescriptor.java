package org.ovshighway.ovs.memif.sys;

/**
 * {@code struct iovec} on x86_64 ({@code bits/types/struct_iovec.h}), 16 bytes:
 * <pre>
 *  0          8          16
 *  +----------+----------+
 *  | iov_base | iov_len  |
 *  +----------+----------+
 * </pre>
 */
final class IovecDescriptor {
    static final int BASE_OFFSET = 0;
    static final int LEN_OFFSET = BASE_OFFSET + 8;
    static final int SIZE = LEN_OFFSET + 8;

    private IovecDescriptor() {
    }
}
