package org.ovshighway.agent;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.ovshighway.ovs.openflow.BridgeEndpoint;
import org.ovshighway.ovs.ovsdb.ControllerConfig;
import org.ovshighway.ovs.ovsdb.OvsdbSession;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.proxy.AppliedChangesListener;
import org.ovshighway.proxy.HoldDecider;
import org.ovshighway.proxy.OpenFlowTarget;
import org.ovshighway.proxy.ProxyException;
import org.ovshighway.proxy.ProxyRoute;
import org.ovshighway.proxy.RelayMetrics;
import org.ovshighway.proxy.RelayPolicy;
import org.ovshighway.proxy.StatsRewriter;
import org.ovshighway.proxy.stats.CounterMergingRewriter;
import org.ovshighway.proxy.stats.FlowAddition;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.remapper.LinkStatus;
import org.ovshighway.remapper.LinkSupervisor;
import org.ovshighway.remapper.PortEnd;
import org.ovshighway.remapper.RegionFiles;

/**
 * The running agent: the ring ports ({@link RingPortAgent}), the live point-to-point view of
 * the bridge's flow tables ({@link PointToPointWatch}), the links that take point-to-point
 * directions off OVS ({@link BypassController} over a {@link LinkSupervisor}) and the management
 * socket ({@link ControlSocket}). {@link #close} reverts the links, then stops the rest in reverse
 * order and leaves nothing behind.
 */
final class HighwayAgent implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HighwayAgent.class.getName());

    /** How often the link supervisor looks at the links' shared words: bounds establish and revert latency. */
    private static final long LINK_TICK_NANOS = 200_000;
    /** The supervisor's tick while every link is ACTIVE (or none is open): commands wake it anyway. */
    private static final long LINK_IDLE_TICK_NANOS = 20_000_000;
    /** How long a clean stop waits for open links to be reverted before the ring ports go (at least). */
    private static final Duration REVERT_ON_STOP = Duration.ofSeconds(10);
    /** Longest wait for the supervisor to take over the links an earlier agent left. */
    private static final Duration ADOPT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * A clean stop waits this long for the reverts, forces what is left, and waits this long
     * again: a link that is rolled back or forced closes once its guests acknowledged or
     * {@code link-grace-ms} passed, so each wait must outlast the grace time or a link of
     * guests that stopped responding would outlive the agent.
     */
    static Duration revertOnStop(AgentConfig config) {
        Duration graceAndDetach = config.linkDeadlines().grace().plusSeconds(1);
        return graceAndDetach.compareTo(REVERT_ON_STOP) > 0 ? graceAndDetach : REVERT_ON_STOP;
    }

    private final RingPortAgent ringPorts;
    private final PointToPointWatch watch;
    private final ControlSocket control;
    private final LinkSupervisor links;
    private final BypassController bypass;
    private final ControllerProxy controllerProxy;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Duration stopWait;
    private boolean closing;
    /** The link warm-up's thread (AgentLinkWarmup), or null; stopped by close. */
    private Thread warmup;

    private HighwayAgent(RingPortAgent ringPorts, PointToPointWatch watch, ControlSocket control, LinkSupervisor links,
                         BypassController bypass, ControllerProxy controllerProxy) {
        this.controllerProxy = controllerProxy;
        this.ringPorts = ringPorts;
        this.watch = watch;
        this.control = control;
        this.links = links;
        this.bypass = bypass;
        this.stopWait = revertOnStop(ringPorts.config());
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
        LinkSupervisor links = null;
        BypassController bypass = null;
        ControllerProxy controllerProxy = null;
        LinkFlowCounters flowCounters = null;
        MirrorCatchUp catchUp = null;
        Thread warmup = null;
        // run first on each thread a link's establishment and revert wait for (control-nice,
        // control-realtime-priority); the nice value stays in force should the real-time policy be refused
        int nice = config.controlNice();
        int realtime = config.controlRealtimePriority();
        Runnable controlThreadStart = () -> {
            if (nice != 0) {
                ThreadNice.trySetCallingThread(nice, LOG);
            }
            if (realtime > 0) {
                ThreadRealtime.trySetCallingThread(realtime, LOG);
            }
        };
        try {
            SortedMap<PortNo, String> candidates = new TreeMap<>();
            Map<String, PortEnd> ends = new HashMap<>();
            Map<String, Long> ofports = new HashMap<>();
            Map<String, PortNo> numbers = new HashMap<>();
            for (ManagedRingPort port : ringPorts.ports()) {
                if (port.ofport().isPresent() && port.ofport().getAsLong() > 0) {
                    PortNo number = new PortNo(port.ofport().getAsLong());
                    candidates.put(number, port.name());
                    numbers.put(port.name(), number);
                    ofports.put(port.name(), port.ofport().getAsLong());
                    ends.put(port.name(), port.portEnd());
                } else {
                    LOG.log(System.Logger.Level.WARNING, "ring port has no OpenFlow port number; it is not a"
                            + " bypass candidate: port=" + port.name());
                }
            }
            watch = new PointToPointWatch(candidates, Clock.systemUTC());
            if (config.bypass()) {
                RegionFiles files = config.regionFiles();
                AtomicReference<BypassController> controllerRef = new AtomicReference<>();
                AtomicReference<LinkFlowCounters> flowCountersRef = new AtomicReference<>();
                // link regions reach each guest the way its ring port's region did (root or domain)
                links = new LinkSupervisor(files, ringPorts.attacher(), config.linkDeadlines(), System::nanoTime, status -> {
                    LOG.log(System.Logger.Level.DEBUG, () -> "link " + status);
                    LinkFlowCounters f = flowCountersRef.get();
                    if (f != null) {
                        f.linkChanged(status);
                    }
                    BypassController c = controllerRef.get();
                    if (c != null) {
                        c.linkChanged(status);
                    }
                });
                PointToPointWatch view = watch;
                BypassController.Verdicts verdicts = new BypassController.Verdicts() {
                    @Override
                    public boolean pointToPoint(String from, String to) {
                        return view.pointToPoint(numbers.get(from), numbers.get(to));
                    }

                    @Override
                    public boolean known() {
                        return view.settled();
                    }

                    @Override
                    public Optional<P2pDetector.RuleInPorts> inPortsOf(Predicate<FlowEntry> selected) {
                        return view.inPortsOf(selected);
                    }

                    @Override
                    public Optional<List<FlowEntry>> soleFlows(long from) {
                        return view.soleFlows(PortNo.of(from));
                    }

                    @Override
                    public boolean addedRuleMayHandle(long from, FlowAddition rule) {
                        return view.addedRuleMayHandle(PortNo.of(from), rule.anyTable()
                                ? P2pDetector.ANY_TABLE : rule.tableId(), rule.priority(), rule.match());
                    }
                };
                catchUp = new MirrorCatchUp(view::barrier, () -> {
                    BypassController c = controllerRef.get();
                    if (c != null) {
                        c.verdictsChanged();
                    }
                }, config.bypassQuiet(), System::nanoTime);
                bypass = new BypassController(links, verdicts, ends, ofports, config.bypassQuiet(), System::nanoTime,
                        catchUp);
                flowCounters = new LinkFlowCounters(links, (from, to) -> view.attribution(numbers.get(from), numbers.get(to)));
                flowCountersRef.set(flowCounters);
                watch.addFlowChangeListener(flowCounters::flowsChanged);
                controllerRef.set(bypass);
                if (config.linkSpareRegions()) {
                    links.keepSpareRegions();
                }
                if (config.linkStandby()) {
                    bypass.keepStandbyLinks();
                }
                links.startTicking(LINK_TICK_NANOS, LINK_IDLE_TICK_NANOS, controlThreadStart);
                if (config.linkWarmupCycles() > 0) {
                    warmup = AgentLinkWarmup.start(config.linkWarmupCycles(), ringPorts.libvirt());
                }
                adoptLeftoverLinks(links, ends, bypass);
                BypassController controller = bypass;
                watch.addListener(event -> controller.verdictsChanged());
                ringPorts.guestWatchListener(controller.guestWatchListener());
                bypass.start(controlThreadStart);
            }
            if (!config.bypass()) {
                warnAboutLeftoverLinks(config.regionFiles());
            }
            watch.start(openflow, controlThreadStart);
            if (nice != 0 || realtime > 0) {
                LOG.log(System.Logger.Level.INFO, "the flow monitor's" + (config.bypass() ? ", bypass controller's, link"
                        + " supervisor's" : "") + (config.controllerProxy() ? " and OpenFlow proxy's" : "")
                        + " threads run at nice " + nice + " (control-nice)"
                        + (realtime > 0 ? ", SCHED_FIFO priority " + realtime + " (control-realtime-priority)" : ""));
            }
            if (config.controllerProxy()) {
                Map<Long, String> names = new HashMap<>();
                ofports.forEach((name, number) -> names.put(number, name));
                controllerProxy = startControllerProxy(config, ringPorts, bypass, links, flowCounters, names,
                        catchUp != null ? relayedConnections(catchUp, bypass) : AppliedChangesListener.NONE);
                controllerProxy.runOnEachEventLoop(controlThreadStart);
            }
            PointToPointWatch view = watch;
            BypassController controller = bypass;
            LinkSupervisor counters = links;
            Instant started = Instant.now();
            ControlSocket control = ControlSocket.open(config.controlSocket(),
                    Map.of("links", () -> LinksReport.render(view, controller, counters),
                            "status", () -> StatusReport.render(config, ringPorts, view, started)));
            LOG.log(System.Logger.Level.INFO, "agent running: bridge=" + config.bridge() + " bypass=" + config.bypass()
                    + " control=" + config.controlSocket());
            HighwayAgent agent = new HighwayAgent(ringPorts, watch, control, links, bypass, controllerProxy);
            agent.warmup = warmup;
            return agent;
        } catch (IOException | RuntimeException | AgentException e) {
            // whatever failed, nothing started here outlives the failed start
            ringPorts.beginStop();
            stopWarmup(warmup);
            if (controllerProxy != null) {
                controllerProxy.restore();
            }
            if (bypass != null) {
                bypass.revertAllAndStop(revertOnStop(config));
            }
            if (links != null) {
                links.close();
            }
            if (watch != null) {
                watch.close();
            }
            ringPorts.close();
            if (e instanceof AgentException refused) {
                throw refused;
            }
            throw new AgentException("agent not started: bridge=" + config.bridge() + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Links an earlier agent left (killed while they were live) carry on under this one: the
     * supervisor takes them over, the bypass controller learns the ACTIVE and STANDBY ones (it
     * decides on those once its thread starts, {@code link-standby} set before). A failure here is
     * logged; the agent starts anyway (those regions then stay until a later restart).
     */
    private static void adoptLeftoverLinks(LinkSupervisor links, Map<String, PortEnd> ends, BypassController bypass) {
        try {
            for (LinkStatus adopted : links.adoptLeftovers(ends).get(ADOPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.INFO, "re-adopted link " + adopted);
                bypass.adopted(adopted);
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.ERROR, "could not re-adopt the links an earlier agent left: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while re-adopting links", e);
        }
    }

    /**
     * Relays the bridge's controllers through the proxy: flow changes that may break a live link
     * wait for its revert, port statistics include link traffic. Null when there is nothing to
     * relay (no active controller target, no passive listener asked for).
     */
    private static ControllerProxy startControllerProxy(AgentConfig config, RingPortAgent ringPorts,
                                                        BypassController bypass, LinkSupervisor links,
                                                        LinkFlowCounters flowCounters, Map<Long, String> portNames,
                                                        AppliedChangesListener appliedChanges)
            throws AgentException {
        OvsdbSession session = ringPorts.ovsdb().session();
        List<ControllerConfig> originals = BridgeAttachment.originals(session, config.bridge());
        List<ProxyRoute> routes = ControllerProxy.routes(originals, config.proxyListen(), 0, config.bridge());
        Optional<SslContext> tls = Optional.empty();
        if (routes.stream().anyMatch(r -> r.target().kind() == OpenFlowTarget.Kind.SSL)) {
            try {
                tls = Optional.of(config.proxyTls().context(session));
            } catch (ProxyException e) {
                throw new AgentException("controller-proxy: bridge=" + config.bridge() + " has ssl: controllers="
                        + originals.stream().map(ControllerConfig::target).filter(t -> t.startsWith("ssl:")).toList()
                        + ": " + e.getMessage() + " config=" + config.file(), e);
            }
            LOG.log(System.Logger.Level.INFO, "controller-proxy: TLS toward the ssl: controllers from "
                    + config.proxyTls().describe());
        }
        Optional<ProxyRoute> passive = config.proxyPassive()
                .map(address -> new ProxyRoute(address, OpenFlowTarget.parse(config.openflow())));
        if (routes.isEmpty() && passive.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "controller-proxy: bridge=" + config.bridge() + " has no active"
                    + " controller target and no proxy-passive listener is configured; nothing to relay");
            return null;
        }
        HoldDecider hold = bypass != null ? bypass.holdDecider() : HoldDecider.NEVER;
        if (flowCounters != null) {
            hold = new CounterResetRelay(hold, flowCounters);
        }
        StatsRewriter.Factory rewriters = links != null
                ? CounterMergingRewriter.factory(new BypassExtraCounters(links, portNames, flowCounters))
                : connection -> StatsRewriter.NONE;
        RelayPolicy policy = new RelayPolicy(hold, rewriters, config.proxyHoldDeadline(), new RelayMetrics(),
                appliedChanges);
        return ControllerProxy.start(ringPorts.ovsdb(), config.bridge(), originals, routes, passive, policy, tls,
                config.proxyBusyPoll());
    }

    /** What the proxy tells of each relayed connection, to the mirror's catch-up and, at close, to the bundles the bypass keeps. */
    private static AppliedChangesListener relayedConnections(MirrorCatchUp catchUp, BypassController bypass) {
        return new AppliedChangesListener() {
            @Override
            public void changesPending(String connection) {
                catchUp.changesPending(connection);
            }

            @Override
            public void changesApplied(String connection) {
                catchUp.changesApplied(connection);
            }

            @Override
            public void closed(String connection, boolean pending) {
                catchUp.closed(connection, pending);
                bypass.connectionClosed(connection);
            }
        };
    }

    /** The controller proxy, null when the agent does not relay controllers. */
    ControllerProxy controllerProxy() {
        return controllerProxy;
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

    /** The bypass controller, null when bypass=false. */
    BypassController bypass() {
        return bypass;
    }

    /** The link supervisor (also the bypass counters), null when bypass=false. */
    LinkSupervisor links() {
        return links;
    }

    /** Stops the link warm-up (between two of its cycles) so that it removes its scratch files before the JVM exits. */
    private static void stopWarmup(Thread warmup) {
        if (warmup == null) {
            return;
        }
        warmup.interrupt();
        try {
            warmup.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks until {@link #close} finished. */
    void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /**
     * With the bypass off nothing re-adopts the links an earlier agent left (killed while they
     * were up): their guests keep using them, and the agent says so rather than touch them.
     */
    static List<java.nio.file.Path> warnAboutLeftoverLinks(RegionFiles files) {
        try {
            List<java.nio.file.Path> left = files.existingWithPrefix(LinkSupervisor.LINK_FILE_PREFIX);
            if (!left.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "bypass=false, but link regions of an earlier agent are still"
                        + " there: " + left + "; their guests may still use them. Start the agent with bypass=true to"
                        + " re-adopt and revert them, or stop the guests before deleting them");
            }
            return left;
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot look for link regions of an earlier agent: " + e);
            return List.of();
        }
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
            ringPorts.beginStop();
            stopWarmup(warmup);
            control.close();
            if (controllerProxy != null) {
                try {
                    controllerProxy.restore();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "original controllers not restored; 'highway detach --bridge "
                            + "BRIDGE' restores them from OVSDB: " + e.getMessage(), e);
                }
            }
            if (bypass != null) {
                // links ride on the ring ports' regions: revert them while the ports still exist
                bypass.revertAllAndStop(stopWait);
                links.close();
            }
            watch.close();
            ringPorts.close();
        } finally {
            closed.countDown();
        }
    }
}
