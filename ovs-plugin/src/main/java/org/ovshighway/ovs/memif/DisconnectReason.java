package org.ovshighway.ovs.memif;

/**
 * Why a memif control connection ended.
 *
 * @param origin who or what ended it
 * @param code the DISCONNECT message's code (0 when no message carried one)
 * @param text the server's reason string, or our own description
 */
public record DisconnectReason(Origin origin, long code, String text) {
    /** Who or what ended a connection. */
    public enum Origin {
        /** The server sent DISCONNECT (its reason is in {@code text}). */
        SERVER_DISCONNECT,
        /** The server closed the socket without a DISCONNECT (it stopped, or crashed). */
        SOCKET_CLOSED,
        /** The server broke the protocol; we sent DISCONNECT and closed. */
        PROTOCOL_ERROR,
        /** The server did not answer within the handshake deadline. */
        TIMEOUT,
        /** A socket call failed. */
        IO_ERROR,
        /** We ended it ({@link MemifClient#disconnect}, {@link MemifClient#reconnect}, {@link MemifClient#close}). */
        LOCAL
    }

    @Override
    public String toString() {
        return "origin=" + origin + " code=" + code + " reason=\"" + text + "\"";
    }
}
