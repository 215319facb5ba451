package org.ovshighway.ovs.memif.sys;

/**
 * {@code struct pollfd} ({@code sys/poll.h}), 8 bytes:
 * <pre>
 *  0      4        6         8
 *  +------+--------+---------+
 *  |  fd  | events | revents |
 *  +------+--------+---------+
 * </pre>
 */
final class PollfdDescriptor {
    static final int FD_OFFSET = 0;
    static final int EVENTS_OFFSET = FD_OFFSET + 4;
    static final int REVENTS_OFFSET = EVENTS_OFFSET + 2;
    static final int SIZE = REVENTS_OFFSET + 2;

    static final short POLLIN = 0x001;
    static final short POLLERR = 0x008;
    static final short POLLHUP = 0x010;
    static final short POLLNVAL = 0x020;

    private PollfdDescriptor() {
    }
}
