package org.ovshighway.ovs.memif.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** {@code ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);} */
final class SendmsgCall {
    private static final MethodHandle HANDLE = Native.downcallWithErrno("sendmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    private SendmsgCall() {
    }

    /** Returns the bytes sent; retries on EINTR. */
    static long sendmsg(int fd, MemorySegment msghdr, int flags, String what) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            while (true) {
                long sent = (long) HANDLE.invokeExact(state, fd, msghdr, flags);
                if (sent >= 0) {
                    return sent;
                }
                int errno = Native.errno(state);
                if (errno != Errno.EINTR) {
                    throw new NativeException("sendmsg", errno, what);
                }
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
