package org.ovshighway.ovs.memif;

/** {@code memif_msg_type_t}: the 16-bit type that starts every control message. */
public enum MemifMessageType {
    NONE, ACK, HELLO, INIT, ADD_REGION, ADD_RING, CONNECT, CONNECTED, DISCONNECT;

    private static final MemifMessageType[] BY_CODE = values();

    /** The wire code (the enum's position, as in memif.h). */
    public int code() {
        return ordinal();
    }

    /** The type for {@code code}, or {@code null} when memif 2.0 defines none. */
    static MemifMessageType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
