package org.ovshighway.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

import org.ovshighway.guest.abi.PortConnection;
import org.ovshighway.guest.abi.RegionFormatException;
import org.ovshighway.hotplug.GuestRegionAttacher;
import org.ovshighway.hotplug.LocalPublication;
import org.ovshighway.hotplug.libvirt.DevicePresence;
import org.ovshighway.hotplug.libvirt.ShmemAttachment;
import org.ovshighway.ovs.memif.DisconnectReason;
import org.ovshighway.ovs.memif.MemifClient;
import org.ovshighway.ovs.memif.MemifException;
import org.ovshighway.ovs.memif.MemifPortConfig;
import org.ovshighway.ovs.memif.MemifRegions;
import org.ovshighway.ovs.ovsdb.InterfaceInfo;
import org.ovshighway.ovs.ovsdb.OvsdbException;
import org.ovshighway.ovs.ovsdb.OvsdbSession;
import org.ovshighway.ovs.ovsdb.PortInfo;
import org.ovshighway.ovs.ovsdb.RingPortSpec;
import org.ovshighway.remapper.AttachedRegion;
import org.ovshighway.remapper.PortEnd;
import org.ovshighway.remapper.PortRegion;
import org.ovshighway.remapper.RegionFiles;

/**
 * One ring port the agent runs: its region, its OVS interface, the memif control connection it
 * holds for the guest, and the region's attachment to the guest (published under a process
 * guest's root, or hot-plugged into a VM through libvirt; {@link GuestRegionAttacher} picks). Created by
 * {@link #provision}, driven by the agent's supervisor thread ({@link #supervise}), torn down by
 * {@link #close(Supplier, Duration)} after that thread stopped. Not thread-safe otherwise, except the read-only
 * accessors.
 *
 * <p>Connection word invariant: DOWN is written whenever the memif connection ends (before any
 * reconnect can make the server reset the rings), the generation is bumped before each
 * registration, and UP is written only after the server answered CONNECTED.
 *
 * <p>CONNECTED means OVS serves the port: DPDK 22.11's memif server refuses a client ("ID not
 * found") until OVS has started the device, and stopping the device (OVS reconfiguring or removing
 * it) closes the connection, which the agent sees as an outage. OVSDB's {@code link_state} is not
 * a signal for memif ports: OVS refreshes it from its 5 s link watchdog, and after a vswitchd
 * restart it kept showing one served port down for good (frames went through).
 */
public final class ManagedRingPort implements GuestDeviceWatch.WatchedPort {
    private static final System.Logger LOG = System.getLogger(ManagedRingPort.class.getName());
    /**
     * Budget of one reconnect handshake. Attempts start only once the server's socket file exists
     * (DPDK's memif server removes it when it goes away and creates it listening), so this is the
     * time the server may take to answer, not a wait for OVS to come back. It must be generous:
     * a client that gives up mid-handshake makes DPDK 22.11's memif server fail sendmsg with EPIPE
     * and then abort ovs-vswitchd in epoll_ctl on the closed fd (seen with a 100 ms budget while
     * a restarting vswitchd was still busy).
     */
    static final Duration RECONNECT_ATTEMPT = Duration.ofSeconds(5);
    /** Budget of the first connection (OVS has just created the port and its socket). */
    static final Duration FIRST_CONNECT = Duration.ofSeconds(10);

    private final RingPortConfig config;
    private final String bridge;
    private final Path socket;
    private final PortRegion region;
    private final List<Long> publishedWords = new ArrayList<>();
    private MemifClient client;
    private OptionalLong ofport = OptionalLong.empty();
    private boolean portCreated;
    private GuestRegionAttacher attacher;
    /** Replaced by the guest watch thread when a VM lost its device ({@link #replug}). */
    private volatile AttachedRegion attachment;
    /** When the current outage was noticed (System.nanoTime), 0 while connected. */
    private long downSince;
    private int attempts;
    private volatile long lastOutageNanos = -1;
    /** Outages of the memif connection that ended with a reconnect. */
    private volatile int outages;
    private PortEnd portEnd;

    private ManagedRingPort(RingPortConfig config, String bridge, Path socket, PortRegion region) {
        this.config = config;
        this.bridge = bridge;
        this.socket = socket;
        this.region = region;
    }

    /**
     * Creates the region, the OVS interface (memif server, 2 rx queues), connects as the guest's
     * memif client, publishes UP and attaches the region to the guest. On failure everything
     * made so far is removed again.
     */
    static ManagedRingPort provision(RingPortConfig config, String bridge, Path socket, int memifIndex,
                                     RegionFiles files, GuestRegionAttacher attacher, OvsdbSession ovsdb)
            throws IOException, MemifException {
        PortRegion region = PortRegion.create(files, RingPortAgent.regionFileName(config), config.name(), config.guest());
        ManagedRingPort port = new ManagedRingPort(config, bridge, socket, region);
        try {
            port.start(memifIndex, attacher, ovsdb, false);
            return port;
        } catch (IOException | MemifException | RuntimeException e) {
            port.closeAfterFailure(ovsdb, e);
            throw e;
        }
    }

    /**
     * Takes over ring port {@code config} left by an agent that stopped without cleaning up: maps
     * its region file {@code regionFile} as it is (the guest may still map it), keeps the OVS
     * interface {@code existing} when there is one (else creates it with {@code memifIndex}),
     * connects as the guest's memif client with a new generation and takes over the attachment
     * (a process guest's publication, a VM's shmem device; attached anew when it is gone).
     * On failure what this call made is removed; an adopted OVS port and region file stay.
     *
     * @throws RegionFormatException when the file is not this port's region
     */
    static ManagedRingPort adopt(RingPortConfig config, String bridge, Path socket, int memifIndex, Path regionFile,
                                 Optional<InterfaceInfo> existing, RegionFiles files, GuestRegionAttacher attacher,
                                 OvsdbSession ovsdb) throws IOException, MemifException {
        PortRegion region = PortRegion.adopt(files, regionFile, config.name(), config.guest());
        ManagedRingPort port = new ManagedRingPort(config, bridge, socket, region);
        try {
            if (existing.isPresent()) {
                port.portCreated = true;
                port.ofport = existing.get().ofport();
                port.connectAndAttach(attacher, true);
            } else {
                port.start(memifIndex, attacher, ovsdb, true);
            }
            return port;
        } catch (IOException | MemifException | RuntimeException e) {
            // the region and the interface outlive this attempt: the guest may still use them
            port.record(region.publishDown());
            if (port.client != null) {
                port.client.close();
            }
            region.close();
            throw e;
        }
    }

    private void start(int memifIndex, GuestRegionAttacher guestAttacher, OvsdbSession ovsdb, boolean adopting)
            throws IOException, MemifException {
        // a socket file left by an earlier vswitchd makes the new server fail to bind
        Files.deleteIfExists(socket);
        RingPortSpec spec = new RingPortSpec(bridge, config.name(), memifIndex, socket, config.guest(), 2,
                config.ofport());
        PortInfo info = ovsdb.addRingPort(spec);
        portCreated = true;
        ofport = info.iface(config.name()).map(InterfaceInfo::ofport).orElse(OptionalLong.empty());
        connectAndAttach(guestAttacher, adopting);
    }

    private void connectAndAttach(GuestRegionAttacher guestAttacher, boolean adopting) throws IOException, MemifException {
        // a guest that still maps an adopted region may hold an UP word the lost agent wrote
        record(region.publishDown());
        client = new MemifClient(MemifPortConfig.of(socket, config.name()),
                MemifRegions.fromLayout(region.file().path(), region.layout()), new ConnectionListener());
        client.connect(FIRST_CONNECT);
        String device = RingPortAgent.regionFileName(config);
        attachment = adopting ? guestAttacher.adopt(config.guest(), region.file().path(), device)
                : guestAttacher.attach(config.guest(), region.file().path(), device);
        attacher = guestAttacher;
        LOG.log(System.Logger.Level.INFO, "ring port " + (adopting ? "re-adopted" : "up") + ": port=" + config.name()
                + " ofport=" + (ofport.isPresent() ? ofport.getAsLong() : "?") + " guest=" + config.guest() + " region="
                + region.file().path() + " generation=" + region.generation() + " " + where(attachment));
    }

    /** Called by the supervisor thread: notices a lost connection and tries to restore it. */
    void supervise() {
        MemifClient.State state = client.state();
        if (state == MemifClient.State.CONNECTED) {
            state = client.poll(Duration.ZERO);
            if (state == MemifClient.State.CONNECTED) {
                return;
            }
            downSince = System.nanoTime();
            attempts = 0;
        }
        if (state == MemifClient.State.DISCONNECTED || state == MemifClient.State.IDLE) {
            if (!Files.exists(socket)) {
                return;
            }
            attempts++;
            try {
                client.connect(RECONNECT_ATTEMPT);
            } catch (MemifException e) {
                if (attempts == 1 || attempts % 50 == 0) {
                    LOG.log(System.Logger.Level.INFO, "ring port reconnect pending: port=" + config.name()
                            + " attempts=" + attempts + " last=" + e.getMessage());
                }
            }
        }
    }

    /** The memif listener: generation bump, connection word, log lines. Runs on the client's thread. */
    private final class ConnectionListener implements MemifClient.Listener {
        @Override
        public void registering(int connection) {
            long generation = region.nextGeneration();
            LOG.log(System.Logger.Level.DEBUG, () -> "ring port registering: port=" + config.name() + " connection="
                    + connection + " generation=" + generation);
        }

        @Override
        public void connected(int connection, String serverInterfaceName) {
            // the server has reset the rings' indices by now (memif_connect): frames from here on stay
            record(region.publishUp());
            if (downSince != 0) {
                long outage = System.nanoTime() - downSince;
                lastOutageNanos = outage;
                outages++;
                downSince = 0;
                LOG.log(System.Logger.Level.INFO, String.format("ring port reconnected: port=%s generation=%d"
                        + " attempts=%d down_ms=%.1f (memif server accepted the region again; guest resets its rings)",
                        config.name(), region.generation(), attempts, outage / 1e6));
            }
        }

        @Override
        public void disconnected(DisconnectReason reason) {
            boolean wasUp = PortConnection.isUp(region.connectionWord());
            record(region.publishDown());
            if (wasUp) {
                LOG.log(System.Logger.Level.WARNING, "ring port down: port=" + config.name() + " generation="
                        + region.generation() + " " + reason + " (guest stops using the rings; reconnecting)");
            }
        }
    }

    private void record(long word) {
        synchronized (publishedWords) {
            publishedWords.add(word);
        }
    }

    /** Port name. */
    public String name() {
        return config.name();
    }

    /** Outages of the memif connection that ended with a reconnect (any thread). */
    int outages() {
        return outages;
    }

    /** The port's configuration. */
    public RingPortConfig config() {
        return config;
    }

    /** OpenFlow port number OVS gave the interface when it was created. */
    public OptionalLong ofport() {
        return ofport;
    }

    /** The port as the remap protocol drives it (the request words of its region). */
    synchronized PortEnd portEnd() {
        if (portEnd == null) {
            portEnd = PortEnd.of(region);
        }
        return portEnd;
    }

    /** The region file. */
    public Path regionFile() {
        return region.file().path();
    }

    /** The memif socket. */
    public Path socket() {
        return socket;
    }

    /** The connection word as it is in the region now. */
    public long connectionWord() {
        return region.connectionWord();
    }

    /** Every connection word the agent wrote, in order (DOWN and UP words; see PortConnection). */
    public List<Long> publishedWords() {
        synchronized (publishedWords) {
            return List.copyOf(publishedWords);
        }
    }

    /** How the region reaches the guest (a {@link LocalPublication} or a {@link ShmemAttachment}), or null before that. */
    public AttachedRegion attachment() {
        return attachment;
    }

    @Override
    public String where() {
        return "port=" + config.name() + " guest=" + config.guest() + " " + config.placement();
    }

    /**
     * For a VM guest: whether the port's device is still in its domain; empty for a process guest
     * or before the port was attached. Called by the guest watch thread.
     *
     * @throws IOException when the hypervisor cannot answer
     */
    @Override
    public Optional<DevicePresence> devicePresence() throws IOException {
        AttachedRegion attached = attachment;
        return attached == null ? Optional.empty() : attacher.presence(attached);
    }

    /**
     * Plugs the port's device into its VM again after the domain lost it (started anew); the
     * region, its connection word and the OVS side are untouched, so the guest opens the port as
     * after its first boot. Called by the guest watch thread.
     *
     * @throws IOException naming the domain when the hypervisor refuses
     */
    @Override
    public void replug() throws IOException {
        AttachedRegion replugged = attacher.replug(attachment);
        attachment = replugged;
        LOG.log(System.Logger.Level.INFO, "ring port device plugged again: port=" + config.name() + " guest="
                + config.guest() + " " + where(replugged));
    }

    /** {@code published=DIR} for a process guest, {@code domain=D shmem=N pci=BDF} for a VM. */
    static String where(AttachedRegion attached) {
        return switch (attached.handle()) {
            case LocalPublication p -> "published=" + p.deviceDirectory();
            case ShmemAttachment a -> "domain=" + a.domain() + " shmem=" + a.shmemName() + " pci=" + a.pciAddress();
            default -> "attached=" + attached.name();
        };
    }

    /** Duration of the last outage (connection lost to CONNECTED again) in nanoseconds, -1 if none yet. */
    public long lastOutageNanos() {
        return lastOutageNanos;
    }

    /**
     * DOWN, DISCONNECT, delete the OVS port, detach from the guest (unpublish or unplug), delete the region file and a left-over
     * socket file. Each step runs even when an earlier one fails; failures are logged and the
     * first is rethrown. The OVS port's deletion waits for ovs-vswitchd to apply it (the memif
     * socket is then released) at most what is left of {@code applyWait}, shared by the ports of one stop.
     */
    void close(Supplier<OvsdbSession> ovsdb, WaitBudget applyWait) {
        RuntimeException first = null;
        List<Runnable> steps = List.of(
                () -> record(region.publishDown()),
                () -> {
                    if (client != null) {
                        client.close();
                    }
                },
                () -> {
                    if (portCreated) {
                        OvsdbSession session = ovsdb.get();
                        if (session.snapshot().findPort(config.name()).isPresent()) {
                            applyWait.spend(wait -> session.deleteRingPort(bridge, config.name(), wait));
                        }
                    }
                },
                () -> {
                    if (attachment != null) {
                        try {
                            attacher.detach(attachment);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                },
                region::delete,
                () -> {
                    try {
                        Files.deleteIfExists(socket);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException("cannot delete memif socket path=" + socket, e);
                    }
                });
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (java.io.UncheckedIOException | OvsdbException e) {
                // the system said no (a guest that kept its device, a file, OVS): the message names what
                LOG.log(System.Logger.Level.ERROR, "ring port cleanup step failed: port=" + config.name() + " "
                        + (e instanceof java.io.UncheckedIOException io ? io.getCause().getMessage() : e.getMessage()));
                if (first == null) {
                    first = e;
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "ring port cleanup step failed: port=" + config.name() + " "
                        + e.getMessage(), e);
                if (first == null) {
                    first = e;
                }
            }
        }
        LOG.log(System.Logger.Level.INFO, "ring port removed: port=" + config.name() + " guest=" + config.guest()
                + " region=" + region.file().path());
        if (first != null) {
            throw first;
        }
    }

    private void closeAfterFailure(OvsdbSession ovsdb, Exception cause) {
        try {
            close(() -> ovsdb, new WaitBudget(OvsdbSession.DEFAULT_TIMEOUT));
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
