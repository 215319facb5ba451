package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.ovshighway.proxy.ProxyConfig;
import org.ovshighway.remapper.RemapDeadlines;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    @TempDir
    Path dir;
    private Path sockets;
    private Path rootA;

    @BeforeEach
    void directories() throws Exception {
        sockets = Files.createDirectory(dir.resolve("sockets"));
        rootA = Files.createDirectory(dir.resolve("guest-a"));
    }

    private Path write(String text) throws Exception {
        return Files.writeString(dir.resolve("highway.conf"), text);
    }

    private String valid() {
        return "ovsdb=unix:/run/ovs/db.sock\nbridge=br0\nmemif-socket-dir=" + sockets + "\nregion-dir=" + dir + "\n"
                + "ring-port.pa.guest=ga\nring-port.pa.publish-root=" + rootA + "\nring-port.pa.ofport=11\n"
                + "ring-port.pb.guest=gb\nring-port.pb.publish-root=" + rootA + "\n";
    }

    private ConfigException refused(String text) throws Exception {
        Path file = write(text);
        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));
        assertTrue(e.getMessage().startsWith("config file=" + file), e.getMessage());
        return e;
    }

    @Test
    void validConfigurationIsRead() throws Exception {
        AgentConfig config = AgentConfig.load(write(valid()));
        assertEquals("unix:/run/ovs/db.sock", config.ovsdb());
        assertEquals("br0", config.bridge());
        assertEquals(dir, config.regionDir().orElseThrow());
        assertEquals(List.of(new RingPortConfig("pa", "ga", new GuestPlacement.Process(rootA), OptionalLong.of(11)),
                new RingPortConfig("pb", "gb", new GuestPlacement.Process(rootA), OptionalLong.empty())),
                config.ringPorts());
        assertFalse(config.hasVmGuests());
        assertEquals("qemu:///system", config.libvirtUri());
        assertEquals(Duration.ofSeconds(30), config.libvirtDetachDeadline());
        assertEquals(sockets.resolve("memif-pa.sock"), config.memifSocket("pa"));
        assertEquals("unix:/run/ovs/br0.mgmt", config.openflow(), "default: the bridge's mgmt socket beside OVSDB's");
        assertEquals(sockets.resolve("highway.ctl"), config.controlSocket());
    }

    @Test
    void openflowAndControlSocketAreCheckedAndRequiredWithTcpOvsdb() throws Exception {
        AgentConfig config = AgentConfig.load(write(valid() + "openflow=tcp:127.0.0.1:6653\ncontrol-socket=" + dir.resolve("c.ctl") + "\n"));
        assertEquals("tcp:127.0.0.1:6653", config.openflow());
        assertEquals(dir.resolve("c.ctl"), config.controlSocket());
        assertTrue(refused(valid().replace("unix:/run/ovs/db.sock", "tcp:127.0.0.1:6640")).getMessage()
                .contains("key=openflow: missing (required when ovsdb is tcp:"));
        assertTrue(refused(valid() + "openflow=ssl:1.2.3.4:6653\n").getMessage()
                .contains("key=openflow: must be unix:/PATH or tcp:HOST:PORT"));
        assertTrue(refused(valid() + "control-socket=" + dir.resolve("missing/c.ctl") + "\n").getMessage()
                .contains("key=control-socket: must be an absolute path in an existing directory"));
    }

    @Test
    void proxyTlsComesFromPemFilesAKeyStoreOrTheSwitchsOwnSettings() throws Exception {
        Path key = Files.writeString(dir.resolve("key.pem"), "k");
        Path cert = Files.writeString(dir.resolve("cert.pem"), "c");
        Path ca = Files.writeString(dir.resolve("ca.pem"), "a");
        Path store = Files.writeString(dir.resolve("client.p12"), "s");
        Path password = Files.writeString(dir.resolve("pw"), "secret\n");
        assertEquals(new UpstreamTlsSource.SwitchOwn("proxy-ssl-"), AgentConfig.load(write(valid())).proxyTls());
        assertEquals(new UpstreamTlsSource.PemFiles(key, cert, ca), AgentConfig.load(write(valid()
                + "proxy-ssl-private-key=" + key + "\nproxy-ssl-certificate=" + cert + "\nproxy-ssl-ca-cert=" + ca + "\n"))
                .proxyTls());
        assertEquals(new UpstreamTlsSource.KeyStoreFile(store, Optional.of(password), Optional.empty()),
                AgentConfig.load(write(valid() + "proxy-ssl-keystore=" + store + "\nproxy-ssl-keystore-password-file="
                        + password + "\n")).proxyTls());

        assertTrue(refused(valid() + "proxy-ssl-private-key=" + key + "\n").getMessage()
                .contains("key=proxy-ssl-certificate: missing"));
        assertTrue(refused(valid() + "proxy-ssl-private-key=" + key + "\nproxy-ssl-certificate=" + cert + "\n")
                .getMessage().contains("key=proxy-ssl-ca-cert: missing"));
        assertTrue(refused(valid() + "proxy-ssl-keystore=" + store + "\nproxy-ssl-private-key=" + key + "\n"
                + "proxy-ssl-certificate=" + cert + "\n").getMessage().contains("key=proxy-ssl-keystore: give either"));
        assertTrue(refused(valid() + "proxy-ssl-keystore-password-file=" + password + "\n").getMessage()
                .contains("key=proxy-ssl-keystore-password-file: only with proxy-ssl-keystore"));
        assertTrue(refused(valid() + "proxy-ssl-ca-cert=" + ca + "\n").getMessage()
                .contains("key=proxy-ssl-ca-cert: only with"));
        assertTrue(refused(valid() + "proxy-ssl-keystore=client.p12\n").getMessage()
                .contains("key=proxy-ssl-keystore: must be an absolute path: value=client.p12"));
        assertTrue(refused(valid() + "proxy-ssl-keystore=" + dir.resolve("absent.p12") + "\n").getMessage()
                .contains("key=proxy-ssl-keystore: not a readable file"));
    }

    @Test
    void unknownKeyIsNamed() throws Exception {
        assertTrue(refused(valid() + "ring-port.pa.colour=red\n").getMessage().contains("key=ring-port.pa.colour"));
        assertTrue(refused(valid() + "bridges=br1\n").getMessage().contains("key=bridges: unknown key"));
    }

    @Test
    void missingValuesAndKeysAreNamed() throws Exception {
        assertTrue(refused(valid() + "ring-port.pc.guest=\n").getMessage().contains("key=ring-port.pc.guest: missing value"));
        assertTrue(refused(valid().replace("bridge=br0\n", "")).getMessage().contains("key=bridge: missing"));
        assertTrue(refused(valid() + "ring-port.pc.guest=gc\n").getMessage()
                .contains("key=ring-port.pc.publish-root: missing"));
        assertTrue(refused(valid() + "ring-port.pc.publish-root=" + rootA + "\n").getMessage()
                .contains("key=ring-port.pc.guest: missing"));
    }

    @Test
    void aPortMayNameALibvirtDomainInsteadOfAPublishRoot() throws Exception {
        AgentConfig config = AgentConfig.load(write(valid() + "ring-port.pc.guest=vm-c\nring-port.pc.domain=hw-vm-c\n"
                + "ring-port.pd.guest=vm-c\nring-port.pd.domain=hw-vm-c\n"
                + "libvirt-uri=qemu:///session\nlibvirt-detach-deadline-ms=90000\n"));
        assertEquals(new RingPortConfig("pc", "vm-c", new GuestPlacement.Vm("hw-vm-c"), OptionalLong.empty()),
                config.ringPorts().get(2));
        assertEquals(new GuestPlacement.Vm("hw-vm-c"), config.ringPorts().get(3).placement());
        assertTrue(config.hasVmGuests());
        assertEquals("qemu:///session", config.libvirtUri());
        assertEquals(Duration.ofSeconds(90), config.libvirtDetachDeadline());
        AgentConfig byUuid = AgentConfig.load(write(valid() + "ring-port.pc.guest=vm-c\n"
                + "ring-port.pc.domain=4dea22b3-1d52-d8f3-2516-782e98ab3fa0\n"));
        assertEquals(new GuestPlacement.Vm("4dea22b3-1d52-d8f3-2516-782e98ab3fa0"), byUuid.ringPorts().get(2).placement());
    }

    @Test
    void domainAndPublishRootAreExclusiveAndConsistentPerGuest() throws Exception {
        assertTrue(refused(valid() + "ring-port.pa.domain=hw-vm-a\n").getMessage()
                .contains("key=ring-port.pa.domain: give exactly one of ring-port.pa.publish-root (a process guest) and"
                        + " ring-port.pa.domain (a libvirt VM), not both"));
        assertTrue(refused(valid() + "ring-port.pc.guest=gc\n").getMessage()
                .contains("key=ring-port.pc.publish-root: missing: give ring-port.pc.publish-root (a process guest's"
                        + " sysfs-shaped root) or ring-port.pc.domain (a libvirt VM)"));
        assertTrue(refused(valid() + "ring-port.pc.guest=gc\nring-port.pc.domain=hw/vm\n").getMessage()
                .contains("key=ring-port.pc.domain: must be a libvirt domain name or UUID"));
        assertTrue(refused(valid() + "ring-port.pc.guest=gc\nring-port.pc.domain=hw vm\n").getMessage()
                .contains("key=ring-port.pc.domain: must be a libvirt domain name or UUID"));
        // the same guest placed as a VM after a process port
        assertTrue(refused(valid() + "ring-port.pc.guest=ga\nring-port.pc.domain=hw-vm-a\n").getMessage()
                .contains("key=ring-port.pc.domain: guest=ga is placed differently by ring-port.pa (publish-root="
                        + rootA + ") and ring-port.pc (domain=hw-vm-a)"));
        assertTrue(refused(valid() + "ring-port.pc.guest=gc\nring-port.pc.domain=hw-vm-c\n"
                + "ring-port.pd.guest=gc\nring-port.pd.domain=hw-vm-d\n").getMessage()
                .contains("key=ring-port.pd.domain: guest=gc is placed differently"));
        assertTrue(refused(valid() + "ring-port.pc.guest=gc\nring-port.pc.domain=hw-vm-c\n"
                + "ring-port.pd.guest=gd\nring-port.pd.domain=hw-vm-c\n").getMessage()
                .contains("key=ring-port.pd.domain: domain=hw-vm-c already belongs to guest=gc"));
        assertTrue(refused(valid() + "libvirt-uri=system\n").getMessage()
                .contains("key=libvirt-uri: must be a libvirt URI"));
        assertTrue(refused(valid() + "libvirt-detach-deadline-ms=0\n").getMessage()
                .contains("key=libvirt-detach-deadline-ms: must be a whole number 1..600000: value=0"));
    }

    @Test
    void badPathsAreNamed() throws Exception {
        assertTrue(refused(valid().replace("memif-socket-dir=" + sockets, "memif-socket-dir=relative/dir"))
                .getMessage().contains("key=memif-socket-dir: must be an absolute path"));
        assertTrue(refused(valid().replace("region-dir=" + dir, "region-dir=" + dir.resolve("absent")))
                .getMessage().contains("key=region-dir: not an existing directory"));
    }

    @Test
    void badNumbersNamesAndDuplicatesAreNamed() throws Exception {
        assertTrue(refused(valid().replace("ofport=11", "ofport=eleven")).getMessage()
                .contains("key=ring-port.pa.ofport: must be a whole number"));
        assertTrue(refused(valid() + "ring-port.pb.ofport=11\n").getMessage()
                .contains("already requested by ring-port.pa.ofport"));
        assertTrue(refused(valid() + "ring-port.p/x.guest=g\n").getMessage().contains("port name"));
        assertTrue(refused(valid() + "bridge=br1\n").getMessage().contains("key=bridge: given more than once"));
        assertTrue(refused(valid().replace("ovsdb=unix:", "ovsdb=ssl:")).getMessage().contains("key=ovsdb"));
    }

    @Test
    void linkDeadlinesDefaultAndAreCheckedAndRead() throws Exception {
        assertEquals(RemapDeadlines.defaults(), AgentConfig.load(write(valid())).linkDeadlines());
        AgentConfig config = AgentConfig.load(write(valid() + "link-map-deadline-ms=9000\nlink-fence-deadline-ms=8000\n"
                + "link-revert-deadline-ms=7000\nlink-grace-ms=600\n"));
        assertEquals(new RemapDeadlines(Duration.ofMillis(9000), Duration.ofMillis(8000), Duration.ofMillis(7000),
                Duration.ofMillis(600)), config.linkDeadlines());
        assertTrue(refused(valid() + "link-revert-deadline-ms=0\n").getMessage()
                .contains("key=link-revert-deadline-ms: must be a whole number 1..600000: value=0"));
        assertTrue(refused(valid() + "link-grace-ms=1s\n").getMessage()
                .contains("key=link-grace-ms: must be a whole number 1..600000: value=1s"));
        assertTrue(refused(valid() + "bypass-quiet-ms=-1\n").getMessage()
                .contains("key=bypass-quiet-ms: must be a whole number 0..10000: value=-1"));
    }

    @Test
    void standbyLinksAreOffByDefaultAndTheValueIsChecked() throws Exception {
        assertFalse(AgentConfig.load(write(valid())).linkStandby());
        assertTrue(AgentConfig.load(write(valid() + "link-standby=true\n")).linkStandby());
        assertTrue(refused(valid() + "link-standby=yes\n").getMessage()
                .contains("key=link-standby: must be true or false: value=yes"));
    }

    @Test
    void proxyBusyPollDefaultsAndIsCheckedAndRead() throws Exception {
        assertEquals(ProxyConfig.DEFAULT_BUSY_POLL, AgentConfig.load(write(valid())).proxyBusyPoll());
        assertEquals(Duration.ZERO, AgentConfig.load(write(valid() + "proxy-busy-poll-us=0\n")).proxyBusyPoll());
        assertEquals(Duration.ofNanos(250_000), AgentConfig.load(write(valid() + "proxy-busy-poll-us=250\n"))
                .proxyBusyPoll());
        assertTrue(refused(valid() + "proxy-busy-poll-us=10001\n").getMessage()
                .contains("key=proxy-busy-poll-us: must be a whole number 0..10000: value=10001"));
        assertTrue(refused(valid() + "proxy-busy-poll-us=50us\n").getMessage()
                .contains("key=proxy-busy-poll-us: must be a whole number 0..10000: value=50us"));
    }

    @Test
    void proxyListenTakesAnAddressOrAUnixSocketDirectory() throws Exception {
        assertEquals("127.0.0.1", AgentConfig.load(write(valid())).proxyListen());
        assertEquals("unix:" + sockets, AgentConfig.load(write(valid() + "proxy-listen=unix:" + sockets + "\n")).proxyListen());
        assertTrue(refused(valid() + "proxy-listen=unix:relative/dir\n").getMessage()
                .contains("key=proxy-listen: unix: needs an existing absolute directory"));
        assertTrue(refused(valid() + "proxy-listen=unix:" + dir.resolve("missing") + "\n").getMessage()
                .contains("key=proxy-listen: unix: needs an existing absolute directory"));
        Path deep = Files.createDirectories(dir.resolve("d".repeat(60)).resolve("e".repeat(60)));
        assertTrue(refused(valid() + "proxy-listen=unix:" + deep + "\n").getMessage()
                .contains("key=proxy-listen: socket paths would be longer than 107 bytes"));
    }

    @Test
    void controlNiceDefaultsBelowZeroAndIsChecked() throws Exception {
        assertEquals(AgentConfig.DEFAULT_CONTROL_NICE, AgentConfig.load(write(valid())).controlNice());
        assertEquals(0, AgentConfig.load(write(valid() + "control-nice=0\n")).controlNice());
        assertEquals(-20, AgentConfig.load(write(valid() + "control-nice=-20\n")).controlNice());
        assertTrue(refused(valid() + "control-nice=20\n").getMessage()
                .contains("key=control-nice: must be a whole number -20..19: value=20"));
        assertTrue(refused(valid() + "control-nice=high\n").getMessage().contains("key=control-nice"));
    }

    @Test
    void controlRealtimePriorityIsOffByDefaultAndIsChecked() throws Exception {
        assertEquals(0, AgentConfig.load(write(valid())).controlRealtimePriority());
        assertEquals(10, AgentConfig.load(write(valid() + "control-realtime-priority=10\n")).controlRealtimePriority());
        assertTrue(refused(valid() + "control-realtime-priority=100\n").getMessage()
                .contains("key=control-realtime-priority: must be a whole number 0..99: value=100"));
        String both = refused(valid() + "control-realtime-priority=10\nproxy-busy-poll-us=50\n").getMessage();
        assertTrue(both.contains("key=control-realtime-priority") && both.contains("proxy-busy-poll-us=50"), both);
    }

    @Test
    void linkWarmupCyclesDefaultAndAreChecked() throws Exception {
        assertEquals(AgentConfig.DEFAULT_WARMUP_CYCLES, AgentConfig.load(write(valid())).linkWarmupCycles());
        assertEquals(0, AgentConfig.load(write(valid() + "link-warmup-cycles=0\n")).linkWarmupCycles());
        assertEquals(50, AgentConfig.load(write(valid() + "link-warmup-cycles=50\n")).linkWarmupCycles());
        assertTrue(refused(valid() + "link-warmup-cycles=-1\n").getMessage()
                .contains("key=link-warmup-cycles: must be a whole number 0..10000: value=-1"));
    }

    @Test
    void aStopWaitsLongerThanTheGraceTimeForEachRoundOfReverts() throws Exception {
        assertEquals(Duration.ofSeconds(10), HighwayAgent.revertOnStop(AgentConfig.load(write(valid()))),
                "the default grace (1 s) is well inside the 10 s floor");
        assertEquals(Duration.ofSeconds(31), HighwayAgent.revertOnStop(AgentConfig.load(write(valid()
                + "link-grace-ms=30000\n"))), "a 30 s grace: a rolled-back link closes after it at the latest");
    }

    @Test
    void agentCommandHelpAndConfigErrors() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, HighwayCommand.standard().run(List.of("agent", "--help"), o, e));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("ring-port.NAME.publish-root"));
        assertTrue(help.contains("ring-port.NAME.domain"));
        for (String key : AgentConfig.GLOBAL_KEYS) {
            assertTrue(help.contains(" " + key + "="), "agent --help lists key=" + key);
        }
        assertEquals(2, HighwayCommand.standard().run(List.of("agent"), o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("option --config is required"));
        Path file = write(valid() + "colour=red\n");
        assertEquals(1, HighwayCommand.standard().run(List.of("agent", "--config", file.toString()), o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("key=colour"), err.toString(StandardCharsets.UTF_8));
    }
}
