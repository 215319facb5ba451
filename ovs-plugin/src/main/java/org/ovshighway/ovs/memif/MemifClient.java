package org.ovshighway.ovs.memif;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.ovshighway.ovs.memif.sys.Errno;
import org.ovshighway.ovs.memif.sys.NativeException;
import org.ovshighway.ovs.memif.sys.OwnedFd;
import org.ovshighway.ovs.memif.sys.UnixSeqpacketSocket;

/**
 * The memif client of one ring port, acting for the port's guest: it connects to the port's
 * memif socket on OVS-DPDK (the server), registers the port's region and rings, and keeps the
 * control connection while the guest runs the rings. Message order (memif 2.0, as DPDK's
 * {@code drivers/net/memif/memif_socket.c} answers it): server HELLO; INIT, ACK; ADD_REGION
 * (region fd in SCM_RIGHTS), ACK; per ring ADD_RING (eventfd in SCM_RIGHTS), ACK; CONNECT,
 * CONNECTED. Either side may send DISCONNECT at any time.
 *
 * <p>Not thread-safe: one thread drives a client ({@link #connect}, {@link #poll},
 * {@link #reconnect}, {@link #disconnect}, {@link #close}). Nothing blocks past the timeout
 * it is given.
 */
public final class MemifClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MemifClient.class.getName());
    /** Pause between attempts to reach a socket that is not there yet (OVS still starting). */
    private static final long SOCKET_RETRY_NANOS = 20_000_000L;

    /** Callbacks around each registration; all run on the thread driving the client. */
    public interface Listener {
        /**
         * Called before the region is registered for connection number {@code connection}
         * (1, 2, ...): the agent bumps the region's generation here so the guest resets its
         * ring cursors (the server zeroes head and tail when it accepts CONNECT).
         */
        default void registering(int connection) {
        }

        /** The server sent CONNECTED: the rings are live. */
        default void connected(int connection, String serverInterfaceName) {
        }

        /** The connection ended after or during the handshake. */
        default void disconnected(DisconnectReason reason) {
        }
    }

    /** Where the connection is. */
    public enum State {
        /** No socket yet; {@link #connect} is allowed. */
        IDLE,
        /** Socket connected; waiting for the server's HELLO. */
        AWAIT_HELLO,
        /** INIT sent; waiting for its ACK. */
        AWAIT_INIT_ACK,
        /** ADD_REGION sent with the region fd; waiting for its ACK. */
        AWAIT_REGION_ACK,
        /** One ADD_RING sent with its eventfd; waiting for its ACK (repeats per ring). */
        AWAIT_RING_ACK,
        /** CONNECT sent; waiting for CONNECTED. */
        AWAIT_CONNECTED,
        /** CONNECTED received: OVS runs the rings; {@link #poll} watches for the end. */
        CONNECTED,
        /** The connection ended ({@link #lastDisconnect()} says why); {@link #connect}/{@link #reconnect} allowed. */
        DISCONNECTED,
        /** {@link #close()} was called; terminal. */
        CLOSED
    }

    private final MemifPortConfig port;
    private final MemifRegion region;
    private final Listener listener;

    private State state = State.IDLE;
    private UnixSeqpacketSocket socket;
    private final List<OwnedFd> ringEventFds = new ArrayList<>();
    private MemifMessage.Hello serverHello;
    private String serverInterfaceName;
    private DisconnectReason lastDisconnect;
    private int registrations;

    public MemifClient(MemifPortConfig port, MemifRegion region, Listener listener) {
        this.port = port;
        this.region = region;
        this.listener = listener == null ? new Listener() { } : listener;
    }

    public MemifClient(MemifPortConfig port, MemifRegion region) {
        this(port, region, null);
    }

    /**
     * Connects and registers the region and all rings, returning once the server sent
     * CONNECTED. Waits for the socket file to appear (and to accept) until the deadline.
     *
     * @throws MemifProtocolException the server refused (its DISCONNECT reason is in the message)
     *         or broke the protocol; the state is then DISCONNECTED
     * @throws MemifException the region file is unusable, the deadline passed, or a socket call
     *         failed; the state is then DISCONNECTED (or unchanged when the region check failed)
     */
    public void connect(Duration timeout) throws MemifException {
        if (state != State.IDLE && state != State.DISCONNECTED) {
            throw new IllegalStateException("memif connect needs state IDLE or DISCONNECTED: state=" + state
                    + " socket=" + port.socket());
        }
        region.verifyFile();
        long deadline = System.nanoTime() + timeout.toNanos();
        serverHello = null;
        serverInterfaceName = null;
        socket = openSocket(deadline);
        state = State.AWAIT_HELLO;
        try {
            handshake(deadline);
        } catch (MemifException e) {
            if (state != State.DISCONNECTED) {
                end(new DisconnectReason(DisconnectReason.Origin.IO_ERROR, 0, e.getMessage()), false);
            }
            throw e;
        }
    }

    /**
     * Ends the current connection (sending DISCONNECT when one is up) and connects again with
     * the same region and rings; see {@link #connect}. Retries a refused or dropped handshake
     * (OVS restarting re-creates its port and socket) until the deadline.
     */
    public void reconnect(Duration timeout) throws MemifException {
        if (state == State.CLOSED) {
            throw new IllegalStateException("memif reconnect on a closed client: socket=" + port.socket());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        if (state != State.IDLE && state != State.DISCONNECTED) {
            disconnect("highway reconnects");
        }
        while (true) {
            try {
                connect(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                return;
            } catch (MemifException e) {
                boolean transientFailure = lastDisconnect != null
                        && (lastDisconnect.origin() == DisconnectReason.Origin.SOCKET_CLOSED
                        || lastDisconnect.origin() == DisconnectReason.Origin.SERVER_DISCONNECT);
                if (!transientFailure || System.nanoTime() + SOCKET_RETRY_NANOS - deadline >= 0) {
                    throw e;
                }
                LOG.log(System.Logger.Level.DEBUG, "memif reconnect retries after: {0}", e.getMessage());
                sleepNanos(SOCKET_RETRY_NANOS);
            }
        }
    }

    /**
     * While CONNECTED, waits up to {@code timeout} for the server to say or do something: a
     * DISCONNECT or a closed socket moves to DISCONNECTED, any other message is a protocol
     * error (we send DISCONNECT and move to DISCONNECTED). Never throws for what the server does.
     *
     * @return the state afterwards (CONNECTED when nothing happened)
     */
    public State poll(Duration timeout) {
        if (state != State.CONNECTED) {
            return state;
        }
        try {
            UnixSeqpacketSocket.Received received = socket.receive(timeout);
            if (received != null) {
                MemifMessage message = toMessage(received);
                if (message instanceof MemifMessage.Disconnect d) {
                    end(new DisconnectReason(DisconnectReason.Origin.SERVER_DISCONNECT, d.code(), d.reason()), false);
                } else {
                    throw new MemifProtocolException("unexpected memif message type=" + message.type()
                            + " in state=" + state + " socket=" + port.socket());
                }
            }
        } catch (ServerEnded e) {
            end(e.reason, false);
        } catch (MemifProtocolException e) {
            end(new DisconnectReason(DisconnectReason.Origin.PROTOCOL_ERROR, 0, e.getMessage()), true);
        } catch (NativeException e) {
            end(new DisconnectReason(DisconnectReason.Origin.IO_ERROR, 0, e.getMessage()), false);
        }
        return state;
    }

    /** Sends DISCONNECT with {@code reason} (when a connection exists) and closes the socket. */
    public void disconnect(String reason) {
        if (state == State.IDLE || state == State.DISCONNECTED || state == State.CLOSED) {
            return;
        }
        end(new DisconnectReason(DisconnectReason.Origin.LOCAL, 0, reason), true);
    }

    /** Disconnects (reason "highway closes the port") and makes the client unusable. */
    @Override
    public void close() {
        disconnect("highway closes the port");
        state = State.CLOSED;
    }

    public State state() {
        return state;
    }

    /** Why the last connection ended, if one did. */
    public Optional<DisconnectReason> lastDisconnect() {
        return Optional.ofNullable(lastDisconnect);
    }

    /** The HELLO of the current or last connection. */
    public Optional<MemifMessage.Hello> serverHello() {
        return Optional.ofNullable(serverHello);
    }

    /** The interface name the server sent in CONNECTED (e.g. {@code net_memif1}). */
    public Optional<String> serverInterfaceName() {
        return Optional.ofNullable(serverInterfaceName);
    }

    /** How many times the region was registered (the connection number passed to the listener). */
    public int registrations() {
        return registrations;
    }

    public MemifPortConfig port() {
        return port;
    }

    public MemifRegion region() {
        return region;
    }

    private void handshake(long deadline) throws MemifException {
        MemifMessage.Hello hello = expect(MemifMessage.Hello.class, deadline);
        serverHello = hello;
        checkHello(hello);

        send(new MemifMessage.Init(MemifMessageDescriptor.VERSION_2_0, port.interfaceId(),
                MemifMessageDescriptor.MODE_ETHERNET, port.secret(), port.clientName()), null);
        state = State.AWAIT_INIT_ACK;
        expect(MemifMessage.Ack.class, deadline);

        registrations++;
        listener.registering(registrations);
        try (OwnedFd regionFd = openRegion()) {
            send(new MemifMessage.AddRegion(0, region.size()), regionFd);
            state = State.AWAIT_REGION_ACK;
            expect(MemifMessage.Ack.class, deadline);
        } catch (NativeException e) {
            throw new MemifException("cannot close memif region fd: " + e.getMessage(), e);
        }

        addRings(true, region.c2sRingOffsets(), deadline);
        addRings(false, region.s2cRingOffsets(), deadline);

        send(new MemifMessage.Connect(port.interfaceName()), null);
        state = State.AWAIT_CONNECTED;
        MemifMessage.Connected connected = expect(MemifMessage.Connected.class, deadline);
        serverInterfaceName = connected.interfaceName();
        state = State.CONNECTED;
        LOG.log(System.Logger.Level.INFO, "memif connected: socket={0} server={1} interface={2} registration={3}",
                port.socket(), hello.name(), serverInterfaceName, registrations);
        listener.connected(registrations, serverInterfaceName);
    }

    private void addRings(boolean clientToServer, List<Long> offsets, long deadline) throws MemifException {
        for (int i = 0; i < offsets.size(); i++) {
            OwnedFd eventFd;
            try {
                eventFd = OwnedFd.eventfd((clientToServer ? "c2s" : "s2c") + "[" + i + "] of " + port.socket());
            } catch (NativeException e) {
                throw new MemifException("cannot create a ring eventfd: " + e.getMessage(), e);
            }
            // Kept open while connected: the server signals it when the guest unmasks interrupts.
            ringEventFds.add(eventFd);
            send(new MemifMessage.AddRing(clientToServer, i, 0, offsets.get(i), region.log2RingSize(), 0), eventFd);
            state = State.AWAIT_RING_ACK;
            expect(MemifMessage.Ack.class, deadline);
        }
    }

    /** Refuses a server that cannot carry what this port needs, saying so in a DISCONNECT. */
    private void checkHello(MemifMessage.Hello h) throws MemifException {
        String problem = null;
        if (h.minVersion() > MemifMessageDescriptor.VERSION_2_0 || h.maxVersion() < MemifMessageDescriptor.VERSION_2_0) {
            problem = "server speaks memif versions 0x" + Integer.toHexString(h.minVersion()) + "..0x"
                    + Integer.toHexString(h.maxVersion()) + ", not 0x0200";
        } else if (h.maxC2sRingIndex() + 1 < region.c2sRingOffsets().size()) {
            problem = "server allows c2s rings=" + (h.maxC2sRingIndex() + 1) + ", port needs "
                    + region.c2sRingOffsets().size();
        } else if (h.maxS2cRingIndex() + 1 < region.s2cRingOffsets().size()) {
            problem = "server allows s2c rings=" + (h.maxS2cRingIndex() + 1) + ", port needs "
                    + region.s2cRingOffsets().size();
        } else if (h.maxLog2RingSize() < region.log2RingSize()) {
            problem = "server allows log2 ring size=" + h.maxLog2RingSize() + ", port needs " + region.log2RingSize();
        }
        // max_region is the highest region index; index 0 is always allowed.
        if (problem != null) {
            DisconnectReason reason = new DisconnectReason(DisconnectReason.Origin.PROTOCOL_ERROR, 0, problem);
            end(reason, true);
            throw new MemifProtocolException("memif server \"" + h.name() + "\" unsuitable: " + problem + " socket="
                    + port.socket());
        }
    }

    private OwnedFd openRegion() throws MemifException {
        try {
            return OwnedFd.openReadWrite(region.file());
        } catch (NativeException e) {
            throw new MemifException("cannot open memif region: " + e.getMessage(), e);
        }
    }

    private UnixSeqpacketSocket openSocket(long deadline) throws MemifException {
        while (true) {
            try {
                return UnixSeqpacketSocket.connect(port.socket());
            } catch (NativeException e) {
                boolean notYet = e.errno() == Errno.ENOENT || e.errno() == Errno.ECONNREFUSED;
                if (!notYet || System.nanoTime() + SOCKET_RETRY_NANOS - deadline >= 0) {
                    lastDisconnect = new DisconnectReason(DisconnectReason.Origin.IO_ERROR, 0, e.getMessage());
                    state = State.DISCONNECTED;
                    throw new MemifException("cannot reach memif server: " + e.getMessage(), e);
                }
                sleepNanos(SOCKET_RETRY_NANOS);
            }
        }
    }

    private void send(MemifMessage message, OwnedFd fd) throws MemifException {
        try {
            socket.send(MemifMessageCodec.encode(message), fd);
        } catch (NativeException e) {
            if (e.errno() == Errno.EPIPE || e.errno() == Errno.ECONNRESET) {
                // The server closed first; it usually left a DISCONNECT saying why.
                DisconnectReason reason = pendingServerReason().orElse(
                        new DisconnectReason(DisconnectReason.Origin.SOCKET_CLOSED, 0,
                                "server closed the socket before type=" + message.type()));
                end(reason, false);
                throw new MemifProtocolException("memif server ended the connection in state=" + state + ": " + reason
                        + " socket=" + port.socket());
            }
            throw new MemifException("cannot send memif type=" + message.type() + ": " + e.getMessage(), e);
        }
    }

    /** A DISCONNECT the server may have queued before closing, read without waiting. */
    private Optional<DisconnectReason> pendingServerReason() {
        try {
            UnixSeqpacketSocket.Received received = socket.receive(Duration.ZERO);
            if (received != null && !received.endOfStream() && !received.truncated()
                    && MemifMessageCodec.decode(received.message()) instanceof MemifMessage.Disconnect d) {
                closePassed(received);
                return Optional.of(new DisconnectReason(DisconnectReason.Origin.SERVER_DISCONNECT, d.code(), d.reason()));
            }
        } catch (NativeException | MemifProtocolException e) {
            LOG.log(System.Logger.Level.DEBUG, "no readable reason after the server closed: {0}", e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Waits for a message of type {@code expected}; a DISCONNECT, a closed socket, the
     * deadline or any other message ends the connection and throws.
     */
    private <T extends MemifMessage> T expect(Class<T> expected, long deadline) throws MemifException {
        State waitingIn = state;
        try {
            UnixSeqpacketSocket.Received received =
                    socket.receive(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (received == null) {
                DisconnectReason reason = new DisconnectReason(DisconnectReason.Origin.TIMEOUT, 0,
                        "no " + expected.getSimpleName() + " from the server in state=" + waitingIn);
                end(reason, true);
                throw new MemifException("memif handshake timed out: " + reason + " socket=" + port.socket());
            }
            MemifMessage message = toMessage(received);
            if (message instanceof MemifMessage.Disconnect d) {
                DisconnectReason reason =
                        new DisconnectReason(DisconnectReason.Origin.SERVER_DISCONNECT, d.code(), d.reason());
                end(reason, false);
                throw new MemifProtocolException("memif server refused in state=" + waitingIn + ": " + reason
                        + " socket=" + port.socket());
            }
            if (!expected.isInstance(message)) {
                throw new MemifProtocolException("unexpected memif message type=" + message.type() + " in state="
                        + waitingIn + " expected=" + expected.getSimpleName() + " socket=" + port.socket());
            }
            return expected.cast(message);
        } catch (ServerEnded e) {
            end(e.reason, false);
            throw new MemifProtocolException("memif server closed the socket in state=" + waitingIn + " socket="
                    + port.socket());
        } catch (MemifProtocolException e) {
            if (state != State.DISCONNECTED) {
                end(new DisconnectReason(DisconnectReason.Origin.PROTOCOL_ERROR, 0, e.getMessage()), true);
            }
            throw e;
        } catch (NativeException e) {
            end(new DisconnectReason(DisconnectReason.Origin.IO_ERROR, 0, e.getMessage()), false);
            throw new MemifException("memif receive failed in state=" + waitingIn + ": " + e.getMessage(), e);
        }
    }

    /** Decodes a received packet; the server never passes descriptors to a client. */
    private MemifMessage toMessage(UnixSeqpacketSocket.Received received)
            throws ServerEnded, MemifProtocolException {
        if (received.endOfStream()) {
            throw new ServerEnded(new DisconnectReason(DisconnectReason.Origin.SOCKET_CLOSED, 0,
                    "server closed the socket in state=" + state));
        }
        closePassed(received);
        if (received.truncated()) {
            throw new MemifProtocolException("memif message truncated (too long or with too many descriptors) in state="
                    + state + " socket=" + port.socket());
        }
        MemifMessage message = MemifMessageCodec.decode(received.message());
        if (received.passedFd() != null) {
            throw new MemifProtocolException("memif server passed a descriptor with type=" + message.type()
                    + " (servers never do) socket=" + port.socket());
        }
        return message;
    }

    private static void closePassed(UnixSeqpacketSocket.Received received) {
        if (received.passedFd() != null) {
            try {
                received.passedFd().close();
            } catch (NativeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot close a descriptor the server passed: {0}", e.getMessage());
            }
        }
    }

    /**
     * Ends the connection: optionally tells the server why, closes the socket and the ring
     * eventfds, records the reason and tells the listener.
     */
    private void end(DisconnectReason reason, boolean tellServer) {
        if (socket != null) {
            if (tellServer) {
                String text = truncate(reason.text(), MemifMessageDescriptor.DISCONNECT_STRING_SIZE - 1);
                try {
                    socket.send(MemifMessageCodec.encode(new MemifMessage.Disconnect(0, text)), null);
                } catch (NativeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "DISCONNECT not delivered: {0}", e.getMessage());
                }
            }
            try {
                socket.close();
            } catch (NativeException e) {
                LOG.log(System.Logger.Level.WARNING, "memif socket close failed: {0}", e.getMessage());
            }
            socket = null;
        }
        for (OwnedFd fd : ringEventFds) {
            try {
                fd.close();
            } catch (NativeException e) {
                LOG.log(System.Logger.Level.WARNING, "ring eventfd close failed: {0}", e.getMessage());
            }
        }
        ringEventFds.clear();
        state = State.DISCONNECTED;
        lastDisconnect = reason;
        LOG.log(System.Logger.Level.INFO, "memif disconnected: socket={0} {1}", port.socket(), reason);
        listener.disconnected(reason);
    }

    private static String truncate(String text, int maxBytes) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        // Cut on a character boundary by decoding the prefix leniently.
        return new String(bytes, 0, maxBytes, java.nio.charset.StandardCharsets.UTF_8).replace("\uFFFD", "");
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server closed the socket; carries the reason to the state machine. */
    private static final class ServerEnded extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient DisconnectReason reason;

        ServerEnded(DisconnectReason reason) {
            super(reason.text(), null, false, false);
            this.reason = reason;
        }
    }
}
