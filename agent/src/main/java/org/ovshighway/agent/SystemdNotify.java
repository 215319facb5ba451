package org.ovshighway.agent;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Tells systemd how the agent is doing when it runs as a {@code Type=notify} service
 * ({@code sd_notify(3)}): one datagram per state change ({@code READY=1}, {@code STOPPING=1},
 * {@code STATUS=...}) to the Unix socket {@code $NOTIFY_SOCKET} names (a path, or an abstract name
 * written with a leading {@code @}). Without {@code NOTIFY_SOCKET} it does nothing. A failed send is
 * logged and otherwise ignored: the agent's work never depends on its supervisor hearing about it.
 */
final class SystemdNotify {
    /** The environment variable systemd sets for a notify service. */
    static final String SOCKET_VARIABLE = "NOTIFY_SOCKET";
    private static final System.Logger LOG = System.getLogger(SystemdNotify.class.getName());
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** {@code struct sockaddr_un}: {@code sa_family_t sun_family} (u16), then {@code char sun_path[108]}. */
    private static final int SUN_PATH_OFFSET = 2;
    private static final int SUN_PATH_BYTES = 108;

    /** {@code int socket(int domain, int type, int protocol);} errno captured. */
    private static final class Socket {
        static final MethodHandle HANDLE = Libc.downcall("socket",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                true);
    }

    /**
     * {@code ssize_t sendto(int sockfd, const void *buf, size_t len, int flags, const struct sockaddr
     * *dest_addr, socklen_t addrlen);} errno captured.
     */
    private static final class SendTo {
        static final MethodHandle HANDLE = Libc.downcall("sendto",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), true);
    }

    /** {@code int close(int fd);} errno captured. */
    private static final class Close {
        static final MethodHandle HANDLE = Libc.downcall("close",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
    }

    private final Optional<String> socket;

    private SystemdNotify(Optional<String> socket) {
        this.socket = socket;
    }

    /** Notifies the socket {@code environment} names, or nobody. */
    static SystemdNotify fromEnvironment(Map<String, String> environment) {
        return new SystemdNotify(Optional.ofNullable(environment.get(SOCKET_VARIABLE)).filter(s -> !s.isEmpty()));
    }

    /** Whether there is a supervisor to tell. */
    boolean enabled() {
        return socket.isPresent();
    }

    /** Sends {@code state} (newline-separated {@code KEY=VALUE} assignments); logs and returns false when it cannot. */
    boolean send(String state) {
        if (socket.isEmpty()) {
            return false;
        }
        try {
            sendTo(socket.get(), state.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (IllegalStateException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "systemd not told: state=" + state.replace('\n', ' ') + " "
                    + e.getMessage());
            return false;
        }
    }

    private static void sendTo(String address, byte[] message) {
        boolean abstractName = address.startsWith("@");
        byte[] name = (abstractName ? address.substring(1) : address).getBytes(StandardCharsets.UTF_8);
        // a path needs room for its terminating NUL, an abstract name for its leading one
        if (name.length + 1 > SUN_PATH_BYTES) {
            throw new IllegalArgumentException("notify socket name too long: " + SOCKET_VARIABLE + "=" + address);
        }
        if (!abstractName && !address.startsWith("/")) {
            throw new IllegalArgumentException("notify socket is neither an absolute path nor @abstract: "
                    + SOCKET_VARIABLE + "=" + address);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.callState(arena);
            int fd = (int) Socket.HANDLE.invokeExact(state, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw failure("socket", address, state);
            }
            try {
                MemorySegment sockaddr = arena.allocate(SUN_PATH_OFFSET + SUN_PATH_BYTES, 2);
                sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
                MemorySegment.copy(name, 0, sockaddr, ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET + (abstractName ? 1 : 0),
                        name.length);
                int length = SUN_PATH_OFFSET + name.length + 1;
                MemorySegment buffer = arena.allocate(Math.max(1, message.length));
                MemorySegment.copy(message, 0, buffer, ValueLayout.JAVA_BYTE, 0, message.length);
                long sent = (long) SendTo.HANDLE.invokeExact(state, fd, buffer, (long) message.length, MSG_NOSIGNAL,
                        sockaddr, length);
                if (sent != message.length) {
                    throw failure("sendto", address, state);
                }
            } finally {
                int rc = (int) Close.HANDLE.invokeExact(state, fd);
                if (rc != 0) {
                    LOG.log(System.Logger.Level.WARNING, failure("close", address, state).getMessage());
                }
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("notify downcall failed: " + SOCKET_VARIABLE + "=" + address, t);
        }
    }

    private static IllegalStateException failure(String call, String address, MemorySegment state) {
        return new IllegalStateException(call + " failed: " + SOCKET_VARIABLE + "=" + address + " errno="
                + Libc.errno(state));
    }
}
