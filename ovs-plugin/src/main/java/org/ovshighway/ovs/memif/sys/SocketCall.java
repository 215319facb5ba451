package org.ovshighway.ovs.memif.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** {@code int socket(int domain, int type, int protocol);} */
final class SocketCall {
    static final int AF_UNIX = 1;
    static final int SOCK_SEQPACKET = 5;
    static final int SOCK_CLOEXEC = 0x80000;

    private static final MethodHandle HANDLE = Native.downcallWithErrno("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

    private SocketCall() {
    }

    static int socket(int domain, int type, int protocol) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int fd = (int) HANDLE.invokeExact(state, domain, type, protocol);
            if (fd < 0) {
                throw new NativeException("socket", Native.errno(state),
                        "domain=" + domain + " type=" + type);
            }
            return fd;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
