package org.ovshighway.agent;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import org.ovshighway.ovs.ovsdb.OvsdbEvent;
import org.ovshighway.ovs.ovsdb.OvsdbException;
import org.ovshighway.ovs.ovsdb.OvsdbListener;
import org.ovshighway.ovs.ovsdb.OvsdbSession;
import org.ovshighway.ovs.ovsdb.OvsdbSnapshot;

/**
 * The OVSDB connection of a long-running command ({@code highway agent}, {@code highway attach}).
 * An {@link OvsdbSession} does not reconnect, and ovsdb-server restarting (OVS restarted or
 * upgraded as a whole) closes it. Ring ports, links and the proxy's relaying do not use OVSDB
 * while they run, so nothing reconnects at once: the loss is logged when it happens, and the next
 * caller of {@link #session()} (a stop removing ports or restoring controllers) gets a new session.
 * Thread-safe.
 */
final class OvsdbConnection implements Supplier<OvsdbSession>, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OvsdbConnection.class.getName());
    /**
     * Bound of each request of a session opened again. Shorter than the first session's: the JSON
     * classes are loaded and compiled by then, and a stop should not wait long for an ovsdb-server
     * that is not coming back.
     */
    static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Guarded by this: the session handed out; replaced when its connection ended. */
    private OvsdbSession session;
    /** Guarded by this. */
    private boolean closed;
    /** Guarded by this: sessions opened again after a loss. */
    private int reconnects;

    /** Takes over {@code first} (closed with this); sessions opened later use {@link #RECONNECT_TIMEOUT}. */
    OvsdbConnection(OvsdbSession first) {
        this.session = Objects.requireNonNull(first, "first");
        logLoss(first);
    }

    private static void logLoss(OvsdbSession watched) {
        watched.addListener(new OvsdbListener() {
            @Override
            public void onUpdate(OvsdbSnapshot snapshot, List<OvsdbEvent> events) {
            }

            @Override
            public void onDisconnected(String reason) {
                LOG.log(System.Logger.Level.WARNING, "OVSDB connection lost: endpoint=" + watched.endpoint() + " reason="
                        + reason + " (ring ports, links and relayed controllers do not need it while they run;"
                        + " the next OVSDB request connects again)");
            }
        });
    }

    /**
     * The session, connected: the current one, or a new one when the current one's connection ended.
     *
     * @throws OvsdbException naming the endpoint when ovsdb-server cannot be reached again
     * @throws IllegalStateException after {@link #close}
     */
    synchronized OvsdbSession session() {
        if (closed) {
            throw new IllegalStateException("OVSDB connection closed: endpoint=" + session.endpoint());
        }
        if (!session.isConnected()) {
            OvsdbSession lost = session;
            lost.close();
            try {
                session = OvsdbSession.connect(lost.endpoint(), RECONNECT_TIMEOUT);
            } catch (RuntimeException e) {
                throw new OvsdbException("cannot connect to OVSDB again: endpoint=" + lost.endpoint() + " ("
                        + e.getMessage() + ")", e);
            }
            reconnects++;
            logLoss(session);
            LOG.log(System.Logger.Level.INFO, "OVSDB connected again: endpoint=" + lost.endpoint());
        }
        return session;
    }

    /**
     * One line for {@code highway status}: {@code endpoint=E connected=true reconnects=N}, or
     * {@code connected=false} with the reason while the loss waits for the next request.
     */
    synchronized String describe() {
        String state = closed ? "connected=false (closed)" : session.isConnected() ? "connected=true"
                : "connected=false (" + session.disconnectReason().orElse("?") + "; the next OVSDB request connects again)";
        return "endpoint=" + session.endpoint() + " " + state + " reconnects=" + reconnects;
    }

    /** {@link #session()}. */
    @Override
    public OvsdbSession get() {
        return session();
    }

    @Override
    public synchronized void close() {
        closed = true;
        session.close();
    }
}
