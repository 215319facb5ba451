package org.ovshighway.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ovshighway.hotplug.GuestRegionAttacher;
import org.ovshighway.hotplug.libvirt.DomainAttacher;
import org.ovshighway.hotplug.libvirt.HotplugException;
import org.ovshighway.hotplug.libvirt.LibvirtAttacher;
import org.ovshighway.hotplug.libvirt.RegionFileAccess;
import org.ovshighway.ovs.memif.MemifException;
import org.ovshighway.ovs.ovsdb.BridgeInfo;
import org.ovshighway.ovs.ovsdb.InterfaceInfo;
import org.ovshighway.ovs.ovsdb.OvsdbSession;
import org.ovshighway.ovs.ovsdb.OvsdbSnapshot;
import org.ovshighway.ovs.ovsdb.PortInfo;
import org.ovshighway.remapper.RegionFiles;
import org.ovshighway.remapper.SpareLinkRegions;

/**
 * The ring-port half of the Highway agent: provisions every configured ring port and keeps its
 * memif connection alive. One supervisor thread ({@value #SUPERVISOR_THREAD}) polls all memif
 * clients; when OVS-DPDK closes one (ovs-vswitchd restart) the port writes DOWN, and the thread
 * reconnects it with a new generation and writes UP.
 *
 * <p>{@link #close} (also from a shutdown hook) leaves nothing behind: DOWN, DISCONNECT, OVS
 * ports deleted, publications removed and VM port devices unplugged, region files deleted, OVSDB
 * session and libvirt connection closed, threads ended. With VM guests a second thread
 * ({@value GuestDeviceWatch#THREAD}) plugs a port device in again when its domain was started
 * anew ({@code libvirt-watch-ms}).
 */
public final class RingPortAgent implements AutoCloseable {
    /** Name of the supervisor thread. */
    public static final String SUPERVISOR_THREAD = "highway-memif-supervisor";

    private static final System.Logger LOG = System.getLogger(RingPortAgent.class.getName());
    /** Pause between supervisor rounds: bounds how late a lost connection is noticed. */
    private static final long ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final Pattern MEMIF_DEVICE = Pattern.compile("net_memif(\\d+)(,.*)?");

    private final AgentConfig config;
    /**
     * How long removing the ring ports waits, all together, for ovs-vswitchd to apply their
     * deletions ({@link WaitBudget}: only those waits count): a running vswitchd takes milliseconds
     * per port; one that died would otherwise make each port wait out the OVSDB timeout, and a stop
     * of several ports outlast its service's stop timeout.
     */
    static final Duration VSWITCHD_APPLY_WAIT = Duration.ofSeconds(15);

    private final OvsdbConnection ovsdb;
    private final List<ManagedRingPort> ports;
    private final GuestRegionAttacher attacher;
    private final LibvirtAttacher libvirt;
    private final Thread supervisor;
    /** Plugs the VM guests' port devices in again after a domain restart; null without VM ports or when off. */
    private final GuestDeviceWatch guestWatch;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean running = true;
    private boolean closing;

    private RingPortAgent(AgentConfig config, OvsdbConnection ovsdb, List<ManagedRingPort> ports,
                          GuestRegionAttacher attacher, LibvirtAttacher libvirt) {
        this.attacher = attacher;
        this.libvirt = libvirt;
        this.config = config;
        this.ovsdb = ovsdb;
        this.ports = List.copyOf(ports);
        this.supervisor = Thread.ofPlatform().name(SUPERVISOR_THREAD).daemon().unstarted(this::superviseLoop);
        List<ManagedRingPort> vmPorts = this.ports.stream()
                .filter(p -> p.config().placement() instanceof GuestPlacement.Vm).toList();
        this.guestWatch = vmPorts.isEmpty() || config.libvirtWatch().isZero() ? null
                : new GuestDeviceWatch(vmPorts, config.libvirtWatch());
    }

    /**
     * Connects to OVSDB and provisions every ring port of {@code config}; returns with all of them
     * connected and published. On failure everything made so far is removed again.
     *
     * @throws AgentException naming the port and what failed
     */
    public static RingPortAgent start(AgentConfig config) throws AgentException {
        OvsdbSession ovsdb;
        try {
            ovsdb = OvsdbSession.connect(config.ovsdb());
        } catch (RuntimeException e) {
            throw new AgentException("cannot connect to OVSDB: ovsdb=" + config.ovsdb() + " (" + e.getMessage() + ")", e);
        }
        OvsdbConnection connection = new OvsdbConnection(ovsdb);
        List<ManagedRingPort> started = new ArrayList<>();
        LibvirtAttacher libvirt = null;
        GuestRegionAttacher attacher;
        try {
            if (config.hasVmGuests()) {
                libvirt = connectLibvirt(config);
            }
            try {
                attacher = guestAttacher(config, libvirt);
            } catch (IllegalArgumentException e) {
                throw new AgentException("guests not registered: " + e.getMessage() + " config=" + config.file(), e);
            }
            OvsdbSnapshot snapshot = ovsdb.snapshot();
            if (snapshot.bridge(config.bridge()).isEmpty()) {
                throw new AgentException("no such bridge: bridge=" + config.bridge() + " ovsdb=" + config.ovsdb(), null);
            }
            RegionFiles files = config.regionFiles();
            // spare link regions of an agent killed before it could delete them: nobody maps them
            try {
                int orphans = SpareLinkRegions.deleteOrphans(files);
                if (orphans > 0) {
                    LOG.log(System.Logger.Level.INFO, "deleted " + orphans + " spare link region(s) of agents that no"
                            + " longer run");
                }
            } catch (java.io.UncheckedIOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot clean up spare link regions of earlier agents: " + e);
            }
            int memifIndex = nextMemifIndex(snapshot);
            for (RingPortConfig port : config.ringPorts()) {
                Path socket = config.memifSocket(port.name());
                Optional<InterfaceInfo> iface = snapshot.findInterface(port.name());
                if (snapshot.findPort(port.name()).isPresent() && iface.isEmpty()) {
                    throw new AgentException("port already exists in OVSDB without an interface of that name: port="
                            + port.name() + " (delete it first)", null);
                }
                if (iface.isPresent()) {
                    checkAdoptable(port, socket, iface.get());
                }
                Optional<Path> regionFile = files.existing(regionFileName(port));
                if (iface.isPresent() && regionFile.isEmpty()) {
                    LOG.log(System.Logger.Level.WARNING, "ring port left by an earlier agent has no region file any"
                            + " more: port=" + port.name() + " file=" + regionFileName(port)
                            + "; deleting the interface and provisioning it anew (the guest must reopen the port)");
                    ovsdb.deleteRingPort(config.bridge(), port.name());
                    iface = Optional.empty();
                }
                try {
                    if (regionFile.isPresent()) {
                        started.add(ManagedRingPort.adopt(port, config.bridge(), socket, memifIndex++, regionFile.get(),
                                iface, files, attacher, ovsdb));
                    } else {
                        started.add(ManagedRingPort.provision(port, config.bridge(), socket, memifIndex++, files,
                                attacher, ovsdb));
                    }
                } catch (IOException | MemifException | RuntimeException e) {
                    throw new AgentException("ring port not started: port=" + port.name() + " guest=" + port.guest()
                            + (regionFile.isPresent() ? " adopting=" + regionFile.get() : "") + " (" + e.getMessage()
                            + ")", e);
                }
            }
        } catch (AgentException e) {
            shareDetachWait(libvirt, config);
            WaitBudget applyWait = new WaitBudget(VSWITCHD_APPLY_WAIT);
            for (ManagedRingPort port : started.reversed()) {
                try {
                    port.close(connection, applyWait);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            connection.close();
            closeLibvirt(libvirt);
            throw e;
        }
        if (libvirt != null) {
            warnAboutLeftLinkDevices(config, libvirt);
        }
        RingPortAgent agent = new RingPortAgent(config, connection, started, attacher, libvirt);
        agent.supervisor.start();
        if (agent.guestWatch != null) {
            agent.guestWatch.start();
        }
        LOG.log(System.Logger.Level.INFO, "agent running: bridge=" + config.bridge() + " ring_ports="
                + started.stream().map(ManagedRingPort::name).toList() + " config=" + config.file());
        return agent;
    }

    /** The libvirt connection for the VM guests' ports. */
    private static LibvirtAttacher connectLibvirt(AgentConfig config) throws AgentException {
        try {
            return LibvirtAttacher.connect(config.libvirtUri(), new RegionFileAccess(RegionFileAccess.DEFAULT_GROUP),
                    config.libvirtDetachDeadline(), LibvirtAttacher.Q35_DEFAULT_WINDOW);
        } catch (HotplugException | RuntimeException | LinkageError e) {
            throw new AgentException("cannot connect to libvirt for the VM guests' ring ports: libvirt-uri="
                    + config.libvirtUri() + " config=" + config.file() + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Every configured guest registered with its placement: the ring ports' regions and, through
     * {@link #attacher()}, the link regions go to a process guest's root or a VM's domain.
     */
    static GuestRegionAttacher guestAttacher(AgentConfig config, DomainAttacher libvirt) {
        GuestRegionAttacher attacher = new GuestRegionAttacher(libvirt);
        for (RingPortConfig port : config.ringPorts()) {
            switch (port.placement()) {
                case GuestPlacement.Process(Path root) -> attacher.processGuest(port.guest(), root);
                case GuestPlacement.Vm(String domain) -> attacher.vmGuest(port.guest(), domain);
            }
        }
        return attacher;
    }

    /**
     * Link devices an agent that was killed left in the VMs: the link supervisor re-adopts each
     * one whose region file is still there (and rolls back, reverts or keeps it); each is named
     * here, so that one the supervisor cannot take over can be found and removed by hand.
     */
    private static void warnAboutLeftLinkDevices(AgentConfig config, LibvirtAttacher libvirt) {
        java.util.Set<String> domains = new java.util.TreeSet<>();
        for (RingPortConfig port : config.ringPorts()) {
            if (port.placement() instanceof GuestPlacement.Vm(String domain)) {
                domains.add(domain);
            }
        }
        for (String domain : domains) {
            try {
                for (var device : libvirt.shmemDevices(domain)) {
                    if (device.name().startsWith(LINK_DEVICE_PREFIX)) {
                        LOG.log(System.Logger.Level.INFO, "link device left by an earlier agent: domain=" + domain
                                + " shmem=" + device.name() + " (re-adopted with its link when its region file is"
                                + " still there; else, once the guest left it: virsh detach-device " + domain
                                + " --live with its <shmem> element)");
                    }
                }
            } catch (HotplugException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot look for link devices left in domain=" + domain + ": "
                        + e.getMessage());
            }
        }
    }

    /** The shmem name prefix of link regions (LinkSupervisor names them hwlink-ID). */
    static final String LINK_DEVICE_PREFIX = "hwlink-";

    private static void closeLibvirt(LibvirtAttacher libvirt) {
        if (libvirt != null) {
            try {
                libvirt.close();
            } catch (HotplugException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the libvirt connection: " + e.getMessage());
            }
        }
    }

    /** Region file name of ring port {@code port}: the same across agent restarts, so it can be re-adopted. */
    static String regionFileName(RingPortConfig port) {
        return "highway-port-" + port.name();
    }

    /**
     * An interface of that name may be taken over only when Highway made it for the same guest and
     * memif socket (an agent that stopped without cleaning up left it).
     */
    private static void checkAdoptable(RingPortConfig port, Path socket, InterfaceInfo iface) throws AgentException {
        if (!iface.isRingPort()) {
            throw new AgentException("port already exists in OVSDB and is not a Highway ring port: port="
                    + port.name() + " type=" + iface.type() + " (delete it first)", null);
        }
        String guest = iface.externalIds().getOrDefault(InterfaceInfo.GUEST_KEY, "");
        String devargs = iface.options().getOrDefault("dpdk-devargs", "");
        if (!guest.equals(port.guest()) || !devargs.contains(",socket=" + socket + ",")) {
            throw new AgentException("ring port left by an earlier agent does not match the configuration: port="
                    + port.name() + " guest=" + guest + " configured-guest=" + port.guest() + " dpdk-devargs=" + devargs
                    + " configured-socket=" + socket + " (delete it first)", null);
        }
    }

    /** One above the highest net_memifN any interface of this OVS uses (DPDK device names must be unique). */
    private static int nextMemifIndex(OvsdbSnapshot snapshot) {
        int next = 0;
        for (BridgeInfo bridge : snapshot.bridges()) {
            for (PortInfo port : bridge.ports()) {
                for (InterfaceInfo iface : port.interfaces()) {
                    Matcher m = MEMIF_DEVICE.matcher(iface.options().getOrDefault("dpdk-devargs", ""));
                    if (m.matches()) {
                        next = Math.max(next, Integer.parseInt(m.group(1)) + 1);
                    }
                }
            }
        }
        return next;
    }

    private void superviseLoop() {
        while (running) {
            for (ManagedRingPort port : ports) {
                try {
                    port.supervise();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "supervising ring port failed: port=" + port.name() + " "
                            + e.getMessage(), e);
                }
            }
            LockSupport.parkNanos(ROUND_NANOS);
        }
    }

    /** The ring ports, in configuration order. */
    public List<ManagedRingPort> ports() {
        return ports;
    }

    /** Ring port {@code name}. */
    public Optional<ManagedRingPort> port(String name) {
        return ports.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The libvirt connection of the VM guests' ports, when the configuration has VM guests. */
    Optional<LibvirtAttacher> libvirt() {
        return Optional.ofNullable(libvirt);
    }

    /** Attaches regions to the configured guests (process roots, VM domains); usable until {@link #close}. */
    public GuestRegionAttacher attacher() {
        return attacher;
    }

    /** The agent's OVSDB connection (open until {@link #close}; a new session after ovsdb-server restarted). */
    OvsdbConnection ovsdb() {
        return ovsdb;
    }

    /**
     * Who hears when a VM guest loses its port device (its domain stopped or started anew) and when
     * the device is back; nothing is told without VM ports or with {@code libvirt-watch-ms=0}.
     */
    void guestWatchListener(GuestDeviceWatch.Listener listener) {
        if (guestWatch != null) {
            guestWatch.listener(listener);
        }
    }

    /** The configuration it runs. */
    public AgentConfig config() {
        return config;
    }

    /** Blocks until {@link #close} finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /**
     * The stop has begun: from now on the VM devices' unplugs (ring ports', and the links' that a
     * caller removes before {@link #close}) wait for their guests one {@code libvirt-detach-deadline-ms}
     * together, not one each, so that guests which do not release their devices cannot hold the stop
     * past its service's stop timeout. Idempotent; {@link #close} calls it too.
     */
    void beginStop() {
        shareDetachWait(libvirt, config);
    }

    private static void shareDetachWait(LibvirtAttacher libvirt, AgentConfig config) {
        if (libvirt != null) {
            libvirt.shareDetachWait(config.libvirtDetachDeadline());
        }
    }

    /** Stops supervising and removes every ring port (see the class comment). Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        try {
            beginStop();
            if (guestWatch != null) {
                guestWatch.close();
            }
            running = false;
            LockSupport.unpark(supervisor);
            try {
                supervisor.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (supervisor.isAlive()) {
                LOG.log(System.Logger.Level.ERROR, "supervisor thread did not stop within 10 s; removing ports anyway");
            }
            WaitBudget applyWait = new WaitBudget(VSWITCHD_APPLY_WAIT);
            for (ManagedRingPort port : ports.reversed()) {
                try {
                    port.close(ovsdb, applyWait);
                } catch (RuntimeException e) {
                    // close logged each step that failed, with its reason
                    LOG.log(System.Logger.Level.ERROR, "ring port not fully removed: port=" + port.name()
                            + " (the failed cleanup steps are logged above)");
                }
            }
            ovsdb.close();
            closeLibvirt(libvirt);
            LOG.log(System.Logger.Level.INFO, "agent stopped: bridge=" + config.bridge());
        } finally {
            closed.countDown();
        }
    }
}
