package org.ovshighway.ovs.memif.sys;

/**
 * {@code struct cmsghdr} carrying one {@code SCM_RIGHTS} descriptor on x86_64 Linux
 * ({@code bits/socket.h}): {@code CMSG_LEN(sizeof(int))} = 20, {@code CMSG_SPACE(sizeof(int))} = 24.
 * <pre>
 *  0           8            12           16       20    24
 *  +-----------+------------+------------+--------+-----+
 *  | cmsg_len  | cmsg_level | cmsg_type  |  fd    | pad |
 *  | (size_t)  | SOL_SOCKET | SCM_RIGHTS | (int)  |     |
 *  +-----------+------------+------------+--------+-----+
 * </pre>
 */
final class CmsghdrDescriptor {
    static final int LEN_OFFSET = 0;
    static final int LEVEL_OFFSET = LEN_OFFSET + 8;
    static final int TYPE_OFFSET = LEVEL_OFFSET + 4;
    static final int DATA_OFFSET = TYPE_OFFSET + 4;
    /** {@code CMSG_LEN(sizeof(int))}. */
    static final int LEN_ONE_FD = DATA_OFFSET + 4;
    /** {@code CMSG_SPACE(sizeof(int))}: the header and one int, padded to 8 bytes. */
    static final int SPACE_ONE_FD = (LEN_ONE_FD + 7) & ~7;

    static final int SOL_SOCKET = 1;
    static final int SCM_RIGHTS = 1;

    private CmsghdrDescriptor() {
    }
}
