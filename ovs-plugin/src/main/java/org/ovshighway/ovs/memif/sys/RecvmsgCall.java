package org.ovshighway.ovs.memif.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** {@code ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags);} */
final class RecvmsgCall {
    private static final MethodHandle HANDLE = Native.downcallWithErrno("recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    private RecvmsgCall() {
    }

    /** Returns the bytes received, 0 at end of stream; retries on EINTR. */
    static long recvmsg(int fd, MemorySegment msghdr, int flags, String what) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            while (true) {
                long received = (long) HANDLE.invokeExact(state, fd, msghdr, flags);
                if (received >= 0) {
                    return received;
                }
                int errno = Native.errno(state);
                if (errno != Errno.EINTR) {
                    throw new NativeException("recvmsg", errno, what);
                }
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
