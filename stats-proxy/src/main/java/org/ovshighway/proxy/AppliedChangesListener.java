package org.ovshighway.proxy;

/**
 * Hears, per relayed connection, whether the switch has applied every flow change the controller
 * sent on it: a change counts as applied once the switch answered a BARRIER (or, OpenFlow 1.4+, a
 * bundle control: a commit's reply covers the commit) the controller sent after it on the same
 * connection (a switch processes one connection's messages in order, and OVS sends its flow-monitor
 * updates for a change before it reads the next message of that connection).
 *
 * <p>Only transitions are reported: {@link #changesPending} when a connection that had nothing
 * pending relays a change (held ones included, from the moment they are held), {@link #changesApplied}
 * when a barrier reply covers every change relayed on it so far. A controller that never sends a
 * barrier leaves its connection pending until it closes.
 *
 * <p>Called from the connection's event loop (several loops for several connections): must be
 * thread-safe and must not block.
 */
public interface AppliedChangesListener {

    /** {@code connection} has a flow change toward the switch that no barrier reply covers yet. */
    void changesPending(String connection);

    /** The switch answered a barrier sent after every flow change of {@code connection}. */
    void changesApplied(String connection);

    /**
     * {@code connection} closed; when {@code pending}, some of its changes may still reach the switch
     * (bytes already sent) with no barrier reply ever to say when.
     */
    void closed(String connection, boolean pending);

    /** Hears nothing. */
    AppliedChangesListener NONE = new AppliedChangesListener() {
        @Override
        public void changesPending(String connection) {
        }

        @Override
        public void changesApplied(String connection) {
        }

        @Override
        public void closed(String connection, boolean pending) {
        }
    };
}
