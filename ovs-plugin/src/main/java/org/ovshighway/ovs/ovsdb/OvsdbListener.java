package org.ovshighway.ovs.ovsdb;

import java.util.List;

/**
 * Receives the database as monitored by an {@link OvsdbSession}. Calls come one at a time, in
 * order, on the session's own event thread; a listener may call the session from there.
 */
@FunctionalInterface
public interface OvsdbListener {

    /**
     * The snapshot after an update and what changed against the previous one. The first call
     * after {@link OvsdbSession#addListener} carries the current snapshot and no events.
     */
    void onUpdate(OvsdbSnapshot snapshot, List<OvsdbEvent> events);

    /** The connection to ovsdb-server is gone; no further updates come. */
    default void onDisconnected(String reason) {
    }
}
