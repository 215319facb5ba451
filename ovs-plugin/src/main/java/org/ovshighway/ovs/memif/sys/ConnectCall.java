package org.ovshighway.ovs.memif.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** {@code int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);} */
final class ConnectCall {
    private static final MethodHandle HANDLE = Native.downcallWithErrno("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

    private ConnectCall() {
    }

    static void connect(int fd, MemorySegment address, int addressLength, String what) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int rc = (int) HANDLE.invokeExact(state, fd, address, addressLength);
            if (rc != 0) {
                throw new NativeException("connect", Native.errno(state), what);
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
