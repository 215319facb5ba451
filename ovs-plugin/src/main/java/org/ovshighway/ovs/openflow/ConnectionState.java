package org.ovshighway.ovs.openflow;

/** Where a {@link BridgeFlowMonitor}'s connection to the bridge is; reported by {@link BridgeFlowMonitor#state()}. */
public enum ConnectionState {
    /** Connecting to the bridge's management socket; the mirror is not synchronised. */
    CONNECTING,
    /** Connected; HELLO sent, waiting for the switch's HELLO to fix the version. */
    HANDSHAKING,
    /** Version agreed; the initial flow dump and group table are arriving (between ResyncStarted and ResyncCompleted). */
    DUMPING,
    /** Dump complete; every change is reported as it happens. */
    MONITORING,
    /** Connection lost or dropped on purpose to resynchronise; reconnecting after a back-off. */
    DISCONNECTED,
    /** Closed by the caller; terminal. */
    CLOSED
}
