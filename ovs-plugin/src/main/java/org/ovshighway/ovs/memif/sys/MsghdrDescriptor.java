package org.ovshighway.ovs.memif.sys;

/**
 * {@code struct msghdr} on x86_64 Linux ({@code bits/socket.h}), 56 bytes:
 * <pre>
 *  0          8       12      16        24           32            40              48        52    56
 *  +----------+-------+-------+---------+------------+-------------+---------------+---------+-----+
 *  | msg_name |namelen|  pad  | msg_iov | msg_iovlen | msg_control | msg_controllen|msg_flags| pad |
 *  +----------+-------+-------+---------+------------+-------------+---------------+---------+-----+
 * </pre>
 * {@code msg_iovlen} and {@code msg_controllen} are {@code size_t} in glibc.
 */
final class MsghdrDescriptor {
    static final int NAME_OFFSET = 0;
    static final int NAMELEN_OFFSET = NAME_OFFSET + 8;
    static final int IOV_OFFSET = NAMELEN_OFFSET + 4 + 4;
    static final int IOVLEN_OFFSET = IOV_OFFSET + 8;
    static final int CONTROL_OFFSET = IOVLEN_OFFSET + 8;
    static final int CONTROLLEN_OFFSET = CONTROL_OFFSET + 8;
    static final int FLAGS_OFFSET = CONTROLLEN_OFFSET + 8;
    static final int SIZE = FLAGS_OFFSET + 4 + 4;

    /** {@code MSG_TRUNC}: the datagram was longer than the buffer. */
    static final int MSG_TRUNC = 0x20;
    /** {@code MSG_CTRUNC}: control data (passed descriptors) was discarded for lack of space. */
    static final int MSG_CTRUNC = 0x08;
    /** {@code MSG_NOSIGNAL}: report EPIPE instead of raising SIGPIPE on a closed peer. */
    static final int MSG_NOSIGNAL = 0x4000;
    /** {@code MSG_CMSG_CLOEXEC}: received descriptors are close-on-exec. */
    static final int MSG_CMSG_CLOEXEC = 0x40000000;

    private MsghdrDescriptor() {
    }
}
