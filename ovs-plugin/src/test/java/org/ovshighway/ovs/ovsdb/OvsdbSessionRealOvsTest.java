package org.ovshighway.ovs.ovsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real private userspace OVS (ovsdb-server + ovs-vswitchd with dummy netdevs, no DPDK)
 * started through testbed/lib/ovs.sh; changes are made and checked with the real ovs-vsctl.
 */
class OvsdbSessionRealOvsTest {

    /** Bound on waiting for an event; only reached when the event never comes. */
    private static final long EVENT_WAIT_SECONDS = 10;

    private static PrivateOvs ovs;
    private static OvsdbSession session;

    @BeforeAll
    static void startOvs() throws IOException {
        assumeTrue(PrivateOvs.runningAsRoot(), "needs root to install and run OVS");
        ovs = PrivateOvs.start("br0");
        // Present before the session connects: must come in through the initial monitor reply.
        ovs.vsctl("add-port", "br0", "pre0", "--", "set", "Interface", "pre0", "type=dummy",
                "external_ids:owner=test", "--", "set", "Port", "pre0", "external_ids:role=uplink");
        session = OvsdbSession.connect(ovs.unixEndpoint());
    }

    @AfterAll
    static void stopOvs() throws IOException {
        if (session != null) {
            session.close();
        }
        if (ovs != null) {
            ovs.close();
        }
    }

    @Test
    void initialSnapshotListsBridgePortsAndOfportsAsOvsVsctlSeesThem() throws IOException {
        BridgeInfo br0 = session.snapshot().bridge("br0").orElseThrow();
        assertEquals("netdev", br0.datapathType());
        assertEquals("secure", br0.failMode().orElseThrow());

        InterfaceInfo local = br0.port("br0").orElseThrow().iface("br0").orElseThrow();
        assertEquals("internal", local.type());
        assertEquals(OptionalLong.of(65534), local.ofport());

        PortInfo pre0 = br0.port("pre0").orElseThrow();
        assertEquals(Map.of("role", "uplink"), pre0.externalIds());
        InterfaceInfo iface = pre0.iface("pre0").orElseThrow();
        assertEquals("dummy", iface.type());
        assertEquals(Map.of("owner", "test"), iface.externalIds());
        assertEquals(Long.parseLong(ovs.vsctl("get", "Interface", "pre0", "ofport").strip()),
                iface.ofport().orElseThrow());
        assertTrue(iface.error().isEmpty());
        assertFalse(iface.isRingPort());
    }

    @Test
    @SuppressWarnings("try") // the subscription only needs closing
    void dummyPortAddedAndRemovedWithOvsVsctlArrivesAsLiveEvents() throws Exception {
        BlockingQueue<OvsdbEvent> events = new LinkedBlockingQueue<>();
        try (OvsdbSession.Subscription ignored = session.addListener((snapshot, batch) -> events.addAll(batch))) {
            ovs.vsctl("add-port", "br0", "live1", "--", "set", "Interface", "live1", "type=dummy");
            long ofport = Long.parseLong(ovs.vsctl("get", "Interface", "live1", "ofport").strip());

            OvsdbEvent.PortAdded added = (OvsdbEvent.PortAdded) next(events,
                    e -> e instanceof OvsdbEvent.PortAdded a && a.port().name().equals("live1"));
            assertEquals("br0", added.bridge());
            // ovs-vswitchd assigns the ofport after the port row exists: either already in the
            // added port or in a following OfportChanged.
            OptionalLong seen = added.port().iface("live1").orElseThrow().ofport();
            if (seen.isEmpty()) {
                OvsdbEvent.OfportChanged changed = (OvsdbEvent.OfportChanged) next(events,
                        e -> e instanceof OvsdbEvent.OfportChanged c && c.iface().equals("live1"));
                seen = changed.after();
            }
            assertEquals(OptionalLong.of(ofport), seen);

            ovs.vsctl("del-port", "br0", "live1");
            OvsdbEvent.PortRemoved removed = (OvsdbEvent.PortRemoved) next(events,
                    e -> e instanceof OvsdbEvent.PortRemoved r && r.port().name().equals("live1"));
            assertEquals("br0", removed.bridge());
            assertTrue(session.snapshot().findPort("live1").isEmpty());
        }
    }

    @Test
    void ringPortOnOvsWithoutDpdkFailsWithOvsErrorNamingThePortAndIsRemoved() throws IOException {
        RingPortSpec spec = new RingPortSpec("br0", "ring0", 0, ovs.run.resolve("ring0.sock"), "vm1");
        OvsdbException e = assertThrows(OvsdbException.class, () -> session.addRingPort(spec));

        assertTrue(e.getMessage().contains("port=ring0"), e.getMessage());
        assertTrue(e.getMessage().contains("ofport=-1"), e.getMessage());
        // OVS's own words from the Interface error column.
        assertTrue(e.getMessage().contains("error=could not open network device ring0"), e.getMessage());
        assertTrue(e.getMessage().contains("removed=true"), e.getMessage());
        assertFalse(ovs.vsctl("list-ports", "br0").lines().anyMatch("ring0"::equals));
        assertTrue(session.snapshot().findPort("ring0").isEmpty());
    }

    @Test
    void ringPortWithTakenNameFailsWithTransactionErrorNamingThePort() throws IOException {
        ovs.vsctl("add-port", "br0", "taken0", "--", "set", "Interface", "taken0", "type=dummy");
        try {
            RingPortSpec spec = new RingPortSpec("br0", "taken0", 1, ovs.run.resolve("taken0.sock"), "vm2");
            OvsdbException e = assertThrows(OvsdbException.class, () -> session.addRingPort(spec));

            assertTrue(e.getMessage().contains("port=taken0"), e.getMessage());
            assertTrue(e.getMessage().contains("error=constraint violation"), e.getMessage());
            // The existing port is untouched.
            assertEquals("dummy", ovs.vsctl("get", "Interface", "taken0", "type").strip());
        } finally {
            ovs.vsctl("del-port", "br0", "taken0");
        }
    }

    @Test
    void ringPortOnMissingBridgeFailsNamingBridge() {
        RingPortSpec spec = new RingPortSpec("nobr", "ring9", 9, ovs.run.resolve("ring9.sock"), "vm9");
        OvsdbException e = assertThrows(OvsdbException.class, () -> session.addRingPort(spec));
        assertTrue(e.getMessage().contains("bridge=nobr"), e.getMessage());
    }

    @Test
    void deleteRingPortRefusesPortsHighwayDidNotCreate() throws IOException {
        OvsdbException e = assertThrows(OvsdbException.class, () -> session.deleteRingPort("br0", "pre0"));
        assertTrue(e.getMessage().contains("port=pre0"), e.getMessage());
        assertTrue(ovs.vsctl("list-ports", "br0").lines().anyMatch("pre0"::equals));
    }

    @Test
    @SuppressWarnings("try") // the subscription only needs closing
    void externalIdsRoundTripBetweenSessionAndOvsVsctl() throws Exception {
        ovs.vsctl("add-port", "br0", "ids0", "--", "set", "Interface", "ids0", "type=dummy");
        BlockingQueue<OvsdbEvent> events = new LinkedBlockingQueue<>();
        try (OvsdbSession.Subscription ignored = session.addListener((snapshot, batch) -> events.addAll(batch))) {
            session.updateExternalIds(ExternalIdsOwner.INTERFACE, "ids0", Map.of("a", "1", "b", "2"), Set.of());
            assertEquals("\"1\"", ovs.vsctl("get", "Interface", "ids0", "external_ids:a").strip());
            assertEquals("\"2\"", ovs.vsctl("get", "Interface", "ids0", "external_ids:b").strip());

            ovs.vsctl("set", "Interface", "ids0", "external_ids:c=3");
            OvsdbEvent.ExternalIdsChanged changed = (OvsdbEvent.ExternalIdsChanged) next(events,
                    e -> e instanceof OvsdbEvent.ExternalIdsChanged x && x.name().equals("ids0")
                            && x.after().containsKey("c"));
            assertEquals(ExternalIdsOwner.INTERFACE, changed.owner());
            assertEquals(Map.of("a", "1", "b", "2", "c", "3"), changed.after());
            assertEquals(Map.of("a", "1", "b", "2"), changed.before());

            // Overwrite one key, remove another, leave the one ovs-vsctl wrote.
            session.updateExternalIds(ExternalIdsOwner.INTERFACE, "ids0", Map.of("a", "9"), Set.of("b"));
            assertEquals("{a=\"9\", c=\"3\"}", ovs.vsctl("get", "Interface", "ids0", "external_ids").strip());
            assertEquals(Map.of("a", "9", "c", "3"),
                    session.externalIds(ExternalIdsOwner.INTERFACE, "ids0").orElseThrow());

            session.updateExternalIds(ExternalIdsOwner.BRIDGE, "br0", Map.of("highway-proxy", "on"), Set.of());
            assertEquals("on", ovs.vsctl("get", "Bridge", "br0", "external_ids:highway-proxy").strip());
            session.updateExternalIds(ExternalIdsOwner.BRIDGE, "br0", Map.of(), Set.of("highway-proxy"));
            assertEquals("{}", ovs.vsctl("get", "Bridge", "br0", "external_ids").strip());
        } finally {
            ovs.vsctl("del-port", "br0", "ids0");
        }
        OvsdbException e = assertThrows(OvsdbException.class, () ->
                session.updateExternalIds(ExternalIdsOwner.PORT, "nosuch0", Map.of("a", "1"), Set.of()));
        assertTrue(e.getMessage().contains("port=nosuch0"), e.getMessage());
    }

    @Test
    void theSwitchsTlsFilesAreReadAsOvsVsctlSetsThem() throws Exception {
        try {
            ovs.vsctl("set-ssl", "/etc/hw/key.pem", "/etc/hw/cert.pem", "/etc/hw/ca.pem");
            assertEquals(Optional.of(new SslSettings("/etc/hw/key.pem", "/etc/hw/cert.pem", "/etc/hw/ca.pem", false)),
                    awaitSsl(s -> s.isPresent()));
            ovs.vsctl("--", "--bootstrap", "set-ssl", "/etc/hw/key2.pem", "/etc/hw/cert2.pem", "/etc/hw/ca2.pem");
            assertEquals(Optional.of(new SslSettings("/etc/hw/key2.pem", "/etc/hw/cert2.pem", "/etc/hw/ca2.pem", true)),
                    awaitSsl(s -> s.map(SslSettings::bootstrapCaCert).orElse(false)));
        } finally {
            ovs.vsctl("del-ssl");
        }
        assertEquals(Optional.empty(), awaitSsl(Optional::isEmpty));
    }

    private static Optional<SslSettings> awaitSsl(Predicate<Optional<SslSettings>> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EVENT_WAIT_SECONDS);
        Optional<SslSettings> seen = session.sslSettings();
        while (!condition.test(seen) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            seen = session.sslSettings();
        }
        return seen;
    }

    @Test
    void controllerTargetsAreReadAndReplaced() throws IOException {
        try {
            ovs.vsctl("set-controller", "br0", "tcp:127.0.0.1:6653");
            session.awaitSnapshot(s -> !s.bridge("br0").orElseThrow().controllerTargets().isEmpty(), Duration.ofSeconds(10));
            assertEquals(List.of("tcp:127.0.0.1:6653"), session.controllerTargets("br0"));

            session.setControllerTargets("br0", List.of("tcp:127.0.0.1:6654", "tcp:127.0.0.1:6633"));
            assertEquals(List.of("tcp:127.0.0.1:6633", "tcp:127.0.0.1:6654"),
                    ovs.vsctl("get-controller", "br0").lines().sorted().toList());
            assertEquals(List.of("tcp:127.0.0.1:6633", "tcp:127.0.0.1:6654"), session.controllerTargets("br0"));

            session.setControllerTargets("br0", List.of());
            assertEquals("", ovs.vsctl("get-controller", "br0").strip());
            assertEquals(List.of(), session.controllerTargets("br0"));
        } finally {
            ovs.vsctl("del-controller", "br0");
        }
        assertThrows(OvsdbException.class, () -> session.setControllerTargets("nobr", List.of("tcp:127.0.0.1:1")));
    }

    @Test
    void everyControllerConfigurationColumnIsReadAndWrittenBackExactly() throws IOException {
        String columns = "target,type,connection_mode,local_ip,local_netmask,local_gateway,max_backoff,"
                + "inactivity_probe,controller_queue_size,controller_rate_limit,controller_burst_limit,"
                + "enable_async_messages,other_config,external_ids";
        try {
            ovs.vsctl("set-controller", "br0", "tcp:127.0.0.1:6653", "tcp:127.0.0.1:6654");
            for (String uuid : ovs.vsctl("--bare", "--columns=_uuid", "list", "Controller").strip().split("\\s+")) {
                ovs.vsctl("--", "set", "Controller", uuid, "inactivity_probe=7000", "max_backoff=2000",
                    "connection_mode=out-of-band", "controller_rate_limit=150", "controller_burst_limit=40",
                    "enable_async_messages=false", "controller_queue_size=64", "type=primary",
                    "local_ip=10.1.1.1", "local_netmask=255.255.255.0", "local_gateway=10.1.1.254",
                    "other_config:dscp=8", "external_ids:owner=sdn");
            }
            String before = ovs.vsctl("--columns=" + columns, "list", "Controller").lines().sorted().toList().toString();
            session.awaitSnapshot(s -> s.bridge("br0").orElseThrow().controllerTargets().size() == 2,
                    Duration.ofSeconds(10));
            session.awaitSnapshot(s -> session.controllers("br0").stream()
                    .allMatch(c -> c.settings().containsKey("local_gateway")), Duration.ofSeconds(10));
            List<ControllerConfig> saved = session.controllers("br0");
            assertEquals(2, saved.size());
            ControllerConfig first = saved.get(0);
            assertEquals("tcp:127.0.0.1:6653", first.target());
            assertEquals("7000", first.settings().get("inactivity_probe"));
            assertEquals("false", first.settings().get("enable_async_messages"));
            assertEquals("out-of-band", first.settings().get("connection_mode"));
            assertEquals(Map.of("dscp", "8"), first.otherConfig());
            assertEquals(Map.of("owner", "sdn"), first.externalIds());

            session.replaceControllers("br0", List.of(first.withTarget("tcp:127.0.0.1:7001")),
                    Map.of("highway-test", "x y=z"), List.of());
            assertEquals("tcp:127.0.0.1:7001", ovs.vsctl("get-controller", "br0").strip());
            assertEquals("\"x y=z\"", ovs.vsctl("get", "Bridge", "br0", "external_ids:highway-test").strip());

            session.replaceControllers("br0", saved, Map.of(), List.of("highway-test"));
            String after = ovs.vsctl("--columns=" + columns, "list", "Controller").lines().sorted().toList().toString();
            assertEquals(before, after, "every configuration column restored");
            assertFalse(session.snapshot().bridge("br0").orElseThrow().externalIds().containsKey("highway-test"));
        } finally {
            ovs.vsctl("del-controller", "br0");
        }
        assertThrows(OvsdbException.class, () -> session.replaceControllers("nobr", List.of(), Map.of(), List.of()));
    }

    @Test
    void tcpEndpointSeesTheSameDatabase() {
        try (OvsdbSession tcp = OvsdbSession.connect(ovs.tcpEndpoint())) {
            assertTrue(tcp.isConnected());
            assertEquals(names(session.snapshot()), names(tcp.snapshot()));
            assertEquals(session.snapshot().findInterface("pre0").orElseThrow().ofport(),
                    tcp.snapshot().findInterface("pre0").orElseThrow().ofport());
        }
    }

    @Test
    void connectingToAbsentSocketFailsNamingEndpoint() {
        String endpoint = "unix:" + ovs.run.resolve("absent.sock");
        OvsdbException e = assertThrows(OvsdbException.class, () -> OvsdbSession.connect(endpoint));
        assertTrue(e.getMessage().contains(endpoint), e.getMessage());
    }

    @Test
    void connectingToClosedTcpPortFailsNamingEndpoint() throws IOException {
        int closed;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        String endpoint = "tcp:127.0.0.1:" + closed;
        OvsdbException e = assertThrows(OvsdbException.class, () -> OvsdbSession.connect(endpoint));
        assertTrue(e.getMessage().contains(endpoint), e.getMessage());
    }

    private static List<String> names(OvsdbSnapshot snapshot) {
        List<String> names = new ArrayList<>();
        snapshot.bridges().forEach(b -> b.ports().forEach(p -> names.add(b.name() + "/" + p.name())));
        return names;
    }

    private static OvsdbEvent next(BlockingQueue<OvsdbEvent> events, Predicate<OvsdbEvent> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EVENT_WAIT_SECONDS);
        List<OvsdbEvent> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            OvsdbEvent event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event != null && wanted.test(event)) {
                return event;
            }
            if (event != null) {
                skipped.add(event);
            }
        }
        throw new AssertionError("expected event did not arrive; other events: " + skipped);
    }
}
