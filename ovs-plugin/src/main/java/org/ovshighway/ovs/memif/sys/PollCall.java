package org.ovshighway.ovs.memif.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout);} for a single descriptor. */
final class PollCall {
    private static final MethodHandle HANDLE = Native.downcallWithErrno("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private PollCall() {
    }

    /**
     * Waits up to {@code timeoutMillis} for {@code events} on {@code fd}; returns the
     * {@code revents} seen, 0 on timeout. EINTR counts as a timeout (the caller loops on its deadline).
     */
    static short pollOne(int fd, short events, int timeoutMillis) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            MemorySegment pollfd = arena.allocate(PollfdDescriptor.SIZE, 8);
            pollfd.set(JAVA_INT, PollfdDescriptor.FD_OFFSET, fd);
            pollfd.set(JAVA_SHORT, PollfdDescriptor.EVENTS_OFFSET, events);
            int ready = (int) HANDLE.invokeExact(state, pollfd, 1L, timeoutMillis);
            if (ready < 0) {
                int errno = Native.errno(state);
                if (errno == Errno.EINTR) {
                    return 0;
                }
                throw new NativeException("poll", errno, "fd=" + fd);
            }
            return ready == 0 ? 0 : pollfd.get(JAVA_SHORT, PollfdDescriptor.REVENTS_OFFSET);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
