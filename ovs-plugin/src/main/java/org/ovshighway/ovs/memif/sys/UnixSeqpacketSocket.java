package org.ovshighway.ovs.memif.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A connected {@code AF_UNIX}/{@code SOCK_SEQPACKET} socket that sends and receives whole
 * messages, each optionally carrying one descriptor in an {@code SCM_RIGHTS} control message.
 * Every call works in its own confined arena. Not thread-safe: one owner drives it.
 */
public final class UnixSeqpacketSocket implements AutoCloseable {
    /** Receive buffer; larger than any message we accept so an oversize one shows its length. */
    private static final int RECEIVE_CAPACITY = 512;

    private final OwnedFd fd;
    private final String path;

    private UnixSeqpacketSocket(OwnedFd fd, String path) {
        this.fd = fd;
        this.path = path;
    }

    /**
     * What one {@link #receive} returned.
     *
     * @param message the bytes received (empty at end of stream)
     * @param passedFd the descriptor the peer passed, or {@code null}; the caller owns it
     * @param truncated whether the kernel cut the message or its control data
     */
    public record Received(byte[] message, OwnedFd passedFd, boolean truncated) {
        public boolean endOfStream() {
            return message.length == 0 && !truncated;
        }
    }

    /** Connects to the listening socket at {@code socketPath}. */
    public static UnixSeqpacketSocket connect(Path socketPath) throws NativeException {
        String text = socketPath.toString();
        byte[] pathBytes = text.getBytes(StandardCharsets.UTF_8);
        if (pathBytes.length > SockaddrUnDescriptor.MAX_PATH_BYTES) {
            throw new IllegalArgumentException("socket path too long: path=" + text + " bytes=" + pathBytes.length
                    + " max=" + SockaddrUnDescriptor.MAX_PATH_BYTES);
        }
        OwnedFd socket = OwnedFd.adopt(SocketCall.socket(SocketCall.AF_UNIX,
                SocketCall.SOCK_SEQPACKET | SocketCall.SOCK_CLOEXEC, 0), "socket=" + text);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SockaddrUnDescriptor.SIZE, 8);
            address.set(JAVA_SHORT, SockaddrUnDescriptor.FAMILY_OFFSET, (short) SocketCall.AF_UNIX);
            MemorySegment.copy(pathBytes, 0, address, JAVA_BYTE, SockaddrUnDescriptor.PATH_OFFSET, pathBytes.length);
            ConnectCall.connect(socket.value(), address, SockaddrUnDescriptor.SIZE, "path=" + text);
            return new UnixSeqpacketSocket(socket, text);
        } catch (NativeException | RuntimeException e) {
            closeQuietly(socket, e);
            throw e;
        }
    }

    /**
     * Sends {@code message} as one packet; {@code passFd} (or {@code null}) travels with it in
     * {@code SCM_RIGHTS}. The peer gets its own copy of the descriptor; ours stays open.
     */
    public void send(byte[] message, OwnedFd passFd) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(message.length, 8);
            MemorySegment.copy(message, 0, data, JAVA_BYTE, 0, message.length);
            MemorySegment iov = arena.allocate(IovecDescriptor.SIZE, 8);
            iov.set(ADDRESS, IovecDescriptor.BASE_OFFSET, data);
            iov.set(JAVA_LONG, IovecDescriptor.LEN_OFFSET, message.length);
            MemorySegment msghdr = arena.allocate(MsghdrDescriptor.SIZE, 8);
            msghdr.set(ADDRESS, MsghdrDescriptor.IOV_OFFSET, iov);
            msghdr.set(JAVA_LONG, MsghdrDescriptor.IOVLEN_OFFSET, 1L);
            if (passFd != null) {
                MemorySegment control = arena.allocate(CmsghdrDescriptor.SPACE_ONE_FD, 8);
                control.set(JAVA_LONG, CmsghdrDescriptor.LEN_OFFSET, CmsghdrDescriptor.LEN_ONE_FD);
                control.set(JAVA_INT, CmsghdrDescriptor.LEVEL_OFFSET, CmsghdrDescriptor.SOL_SOCKET);
                control.set(JAVA_INT, CmsghdrDescriptor.TYPE_OFFSET, CmsghdrDescriptor.SCM_RIGHTS);
                control.set(JAVA_INT, CmsghdrDescriptor.DATA_OFFSET, passFd.value());
                msghdr.set(ADDRESS, MsghdrDescriptor.CONTROL_OFFSET, control);
                msghdr.set(JAVA_LONG, MsghdrDescriptor.CONTROLLEN_OFFSET, CmsghdrDescriptor.SPACE_ONE_FD);
            }
            long sent = SendmsgCall.sendmsg(fd.value(), msghdr, MsghdrDescriptor.MSG_NOSIGNAL, "path=" + path);
            if (sent != message.length) {
                // SOCK_SEQPACKET sends a packet whole or not at all; anything else is a kernel surprise.
                throw new IllegalStateException("short sendmsg: sent=" + sent + " length=" + message.length
                        + " path=" + path);
            }
        }
    }

    /**
     * Waits up to {@code timeout} for one packet. Returns {@code null} on timeout, a
     * {@link Received} with an empty message at end of stream.
     */
    public Received receive(Duration timeout) throws NativeException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long remainingMillis = Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000);
            short revents = PollCall.pollOne(fd.value(), PollfdDescriptor.POLLIN,
                    (int) Math.min(Integer.MAX_VALUE, remainingMillis));
            if ((revents & PollfdDescriptor.POLLNVAL) != 0) {
                throw new IllegalStateException("poll reports an invalid descriptor: " + fd);
            }
            if (revents != 0) {
                // POLLIN, POLLHUP or POLLERR: recvmsg tells which (data, 0 for end of stream, or errno).
                return receiveNow();
            }
            if (System.nanoTime() - deadline >= 0) {
                return null;
            }
        }
    }

    private Received receiveNow() throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(RECEIVE_CAPACITY, 8);
            MemorySegment iov = arena.allocate(IovecDescriptor.SIZE, 8);
            iov.set(ADDRESS, IovecDescriptor.BASE_OFFSET, data);
            iov.set(JAVA_LONG, IovecDescriptor.LEN_OFFSET, RECEIVE_CAPACITY);
            MemorySegment control = arena.allocate(CmsghdrDescriptor.SPACE_ONE_FD, 8);
            MemorySegment msghdr = arena.allocate(MsghdrDescriptor.SIZE, 8);
            msghdr.set(ADDRESS, MsghdrDescriptor.IOV_OFFSET, iov);
            msghdr.set(JAVA_LONG, MsghdrDescriptor.IOVLEN_OFFSET, 1L);
            msghdr.set(ADDRESS, MsghdrDescriptor.CONTROL_OFFSET, control);
            msghdr.set(JAVA_LONG, MsghdrDescriptor.CONTROLLEN_OFFSET, CmsghdrDescriptor.SPACE_ONE_FD);
            long received;
            try {
                received = RecvmsgCall.recvmsg(fd.value(), msghdr, MsghdrDescriptor.MSG_CMSG_CLOEXEC, "path=" + path);
            } catch (NativeException e) {
                if (e.errno() == Errno.ECONNRESET) {
                    return new Received(new byte[0], null, false);
                }
                throw e;
            }
            int flags = msghdr.get(JAVA_INT, MsghdrDescriptor.FLAGS_OFFSET);
            OwnedFd passed = null;
            long controlLength = msghdr.get(JAVA_LONG, MsghdrDescriptor.CONTROLLEN_OFFSET);
            if (controlLength >= CmsghdrDescriptor.LEN_ONE_FD
                    && control.get(JAVA_INT, CmsghdrDescriptor.LEVEL_OFFSET) == CmsghdrDescriptor.SOL_SOCKET
                    && control.get(JAVA_INT, CmsghdrDescriptor.TYPE_OFFSET) == CmsghdrDescriptor.SCM_RIGHTS) {
                passed = OwnedFd.adopt(control.get(JAVA_INT, CmsghdrDescriptor.DATA_OFFSET), "passed-by=" + path);
            }
            boolean truncated = (flags & (MsghdrDescriptor.MSG_TRUNC | MsghdrDescriptor.MSG_CTRUNC)) != 0;
            byte[] message = data.asSlice(0, received).toArray(JAVA_BYTE);
            return new Received(message, passed, truncated);
        }
    }

    /** The path this socket is connected to. */
    public String path() {
        return path;
    }

    @Override
    public void close() throws NativeException {
        fd.close();
    }

    private static void closeQuietly(OwnedFd socket, Exception cause) {
        try {
            socket.close();
        } catch (NativeException e) {
            cause.addSuppressed(e);
        }
    }
}
