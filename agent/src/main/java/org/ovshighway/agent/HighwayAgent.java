package org.ovshighway.agent;

import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

import org.ovshighway.ovs.openflow.BridgeEndpoint;
import org.ovshighway.p2p.flow.PortNo;

/**
 * The running agent: the ring ports ({@link RingPortAgent}), the live point-to-point view of
 * the bridge's flow tables ({@link PointToPointWatch}) and the management socket
 * ({@link ControlSocket}). {@link #close} stops them in reverse order and leaves nothing behind.
 */
final class HighwayAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HighwayAgent.class.getName());

    private final RingPortAgent ringPorts;
    private final PointToPointWatch watch;
    private final ControlSocket control;
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean closing;

    private HighwayAgent(RingPortAgent ringPorts, PointToPointWatch watch, ControlSocket control) {
        this.ringPorts = ringPorts;
        this.watch = watch;
        this.control = control;
    }

    /**
     * Provisions (or re-adopts) the ring ports, starts watching the flow tables and opens the
     * control socket. On failure what was started is stopped again.
     */
    static HighwayAgent start(AgentConfig config) throws AgentException {
        BridgeEndpoint openflow;
        try {
            openflow = OvsLocations.parseOpenflowTarget(config.bridge(), config.openflow());
        } catch (UsageException e) {
            throw new AgentException(e.getMessage() + " config=" + config.file(), e);
        }
        RingPortAgent ringPorts = RingPortAgent.start(config);
        PointToPointWatch watch = null;
        try {
            SortedMap<PortNo, String> candidates = new TreeMap<>();
            for (ManagedRingPort port : ringPorts.ports()) {
                if (port.ofport().isPresent() && port.ofport().getAsLong() > 0) {
                    candidates.put(new PortNo(port.ofport().getAsLong()), port.name());
                } else {
                    LOG.log(System.Logger.Level.WARNING, "ring port has no OpenFlow port number; it is not a"
                            + " bypass candidate: port=" + port.name());
                }
            }
            watch = new PointToPointWatch(candidates, Clock.systemUTC());
            watch.start(openflow);
            PointToPointWatch view = watch;
            ControlSocket control = ControlSocket.open(config.controlSocket(),
                    Map.of("links", () -> LinksReport.render(view)));
            return new HighwayAgent(ringPorts, watch, control);
        } catch (IOException | RuntimeException e) {
            if (watch != null) {
                watch.close();
            }
            ringPorts.close();
            throw new AgentException("agent not started: bridge=" + config.bridge() + " (" + e.getMessage() + ")", e);
        }
    }

    RingPortAgent ringPorts() {
        return ringPorts;
    }

    PointToPointWatch watch() {
        return watch;
    }

    ControlSocket control() {
        return control;
    }

    /** Blocks until {@link #close} finished. */
    void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Closes the control socket, the flow monitor and the ring ports. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        try {
            control.close();
            watch.close();
            ringPorts.close();
        } finally {
            closed.countDown();
        }
    }
}
