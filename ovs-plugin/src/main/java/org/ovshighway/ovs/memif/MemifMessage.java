package org.ovshighway.ovs.memif;

/**
 * The memif 2.0 control messages, one record per {@link MemifMessageType} (field meanings as
 * in {@link MemifMessageDescriptor}). Unsigned wire fields are held in the next wider Java type.
 */
public sealed interface MemifMessage {
    MemifMessageType type();

    /** ACK: the server accepted the previous INIT, ADD_REGION or ADD_RING. */
    record Ack() implements MemifMessage {
        public MemifMessageType type() {
            return MemifMessageType.ACK;
        }
    }

    /**
     * HELLO, the server's first message: its name and limits. The ring and region limits are
     * highest indices (count - 1), as DPDK fills them.
     */
    record Hello(String name, int minVersion, int maxVersion, int maxRegionIndex, int maxS2cRingIndex,
                 int maxC2sRingIndex, int maxLog2RingSize) implements MemifMessage {
        public MemifMessageType type() {
            return MemifMessageType.HELLO;
        }
    }

    /** INIT: the client asks for interface {@code id} in ethernet mode, with an optional secret. */
    record Init(int version, long id, int mode, String secret, String name) implements MemifMessage {
        public MemifMessageType type() {
            return MemifMessageType.INIT;
        }
    }

    /** ADD_REGION: region {@code index} of {@code size} bytes; its fd travels in SCM_RIGHTS. */
    record AddRegion(int index, long size) implements MemifMessage {
        public MemifMessageType type() {
            return MemifMessageType.ADD_REGION;
        }
    }

    /**
     * ADD_RING: ring {@code index} of one direction at {@code offset} in {@code region}, with
     * 2^{@code log2RingSize} descriptors; its interrupt eventfd travels in SCM_RIGHTS.
     */
    record AddRing(boolean clientToServer, int index, int region, long offset, int log2RingSize,
                   int privateHeaderSize) implements MemifMessage {
        public MemifMessageType type() {
            return MemifMessageType.ADD_RING;
        }
    }

    /** CONNECT: the client has registered everything; {@code interfaceName} is its own name. */
    record Connect(String interfaceName) implements MemifMessage {
        public MemifMessageType type() {
            return MemifMessageType.CONNECT;
        }
    }

    /** CONNECTED: the server mapped the region and the rings are live. */
    record Connected(String interfaceName) implements MemifMessage {
        public MemifMessageType type() {
            return MemifMessageType.CONNECTED;
        }
    }

    /** DISCONNECT: the sender ends the connection; {@code reason} is human-readable. */
    record Disconnect(long code, String reason) implements MemifMessage {
        public MemifMessageType type() {
            return MemifMessageType.DISCONNECT;
        }
    }
}
