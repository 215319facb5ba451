package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ovshighway.ovs.ovsdb.OvsdbSession;
import org.ovshighway.ovs.testing.Poll;
import org.ovshighway.ovs.testing.PrivateOvs;

/**
 * {@code highway attach} and {@code detach} against a real OVS with a real controller
 * (ovs-testcontroller): the bridge connects to the controller through the proxy, every Controller
 * column comes back exactly on a clean stop, and detach restores after an attach that never did.
 */
class AttachDetachOvsTest {

    private static final String COLUMNS = "target,max_backoff,inactivity_probe,connection_mode,"
            + "controller_rate_limit,controller_burst_limit,enable_async_messages,other_config,external_ids";

    private static PrivateOvs ovs;
    private static Process controller;
    private static int controllerPort;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(PrivateOvs.isRoot(), "needs root to start a private OVS");
        ovs = PrivateOvs.start("br0");
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            controllerPort = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder("ovs-testcontroller", "--unixctl=" + ovs.runDir().resolve("tc.ctl"),
                "ptcp:" + controllerPort + ":127.0.0.1").redirectErrorStream(true)
                .redirectOutput(ovs.runDir().resolve("testcontroller.log").toFile());
        pb.environment().put("OVS_RUNDIR", ovs.runDir().toString());
        controller = pb.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (controller != null) {
            controller.destroy();
            controller.waitFor();
        }
        if (ovs != null) {
            ovs.close();
        }
    }

    @BeforeEach
    void configureControllers() throws Exception {
        ovs.vsctl("set-controller", "br0", "tcp:127.0.0.1:" + controllerPort, "ptcp:0:127.0.0.1");
        for (String uuid : ovs.vsctl("--bare", "--columns=_uuid", "find", "Controller",
                "target=\"tcp:127.0.0.1:" + controllerPort + "\"").strip().split("\\s+")) {
            ovs.vsctl("set", "Controller", uuid, "inactivity_probe=4000", "max_backoff=1000",
                    "connection_mode=out-of-band", "controller_rate_limit=200", "controller_burst_limit=50",
                    "enable_async_messages=true", "other_config:dscp=10", "external_ids:owner=\"sdn team\"");
        }
    }

    @AfterEach
    void clearControllers() throws Exception {
        ovs.vsctl("del-controller", "br0", "--", "remove", "Bridge", "br0", "external_ids",
                BridgeAttachment.ORIGINALS_KEY, "--", "remove", "Bridge", "br0", "external_ids", BridgeAttachment.PROXY_KEY);
    }

    private static String controllerColumns() throws Exception {
        return ovs.vsctl("--columns=" + COLUMNS, "list", "Controller").lines().filter(l -> !l.isBlank()).sorted().toList()
                .toString();
    }

    private static String ovsdb() {
        return "unix:" + ovs.runDir().resolve("db.sock");
    }

    /**
     * Listening on loopback TCP, and on a Unix socket the bridge reaches as a {@code unix:} controller;
     * and with ovsdb-server restarted while attached (the stop restores through a new connection).
     */
    @ParameterizedTest(name = "unix listener: {0}, ovsdb-server restarted: {1}")
    @CsvSource({"false,false", "true,false", "false,true"})
    void attachRelaysToTheRealControllerAndACleanStopRestoresEveryColumn(boolean unixListener, boolean ovsdbRestart)
            throws Exception {
        String before = controllerColumns();
        List<String> listen = unixListener ? List.of("--listen", "unix:" + ovs.runDir()) : List.of();
        java.nio.file.Path socket = ControllerProxy.unixSocket(ovs.runDir(), "br0", 0);
        CountDownLatch stop = new CountDownLatch(1);
        AttachCommand attach = new AttachCommand(Map.of("OVS_RUNDIR", ovs.runDir().toString()), new AttachCommand.StopSignal() {
            @Override
            public void await() throws InterruptedException {
                stop.await();
            }

            @Override
            public void stopped() {
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                List<String> args = new java.util.ArrayList<>(List.of("--bridge", "br0", "--ovsdb", ovsdb(),
                        "--passive", "127.0.0.1:0"));
                args.addAll(listen);
                return attach.run(args,
                        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try {
            assertTrue(Poll.eventually(Duration.ofSeconds(20), Duration.ofMillis(100),
                    () -> ovs.vsctl("get", "Bridge", "br0", "external_ids").contains(BridgeAttachment.ORIGINALS_KEY)),
                    "originals saved: " + err);
            List<String> targets = ovs.vsctl("get-controller", "br0").lines().sorted().toList();
            assertEquals(2, targets.size(), targets.toString());
            assertTrue(targets.contains("ptcp:0:127.0.0.1"), "passive target untouched: " + targets);
            assertFalse(targets.contains("tcp:127.0.0.1:" + controllerPort), "active target re-pointed: " + targets);
            String proxied = targets.stream().filter(t -> t.startsWith(unixListener ? "unix:" : "tcp:")).findFirst()
                    .orElseThrow(() -> new AssertionError("no re-pointed target in " + targets));
            if (unixListener) {
                assertEquals("unix:" + socket, proxied);
            }
            assertEquals("4000", ovs.vsctl("get", "Controller", findController(proxied), "inactivity_probe").strip(),
                    "other columns kept on the re-pointed controller");
            assertTrue(Poll.eventually(Duration.ofSeconds(20), Duration.ofMillis(100),
                    () -> ovs.vsctl("get", "Controller", findController(proxied), "is_connected")
                    .strip().equals("true")), "bridge connected to ovs-testcontroller through the proxy");
            if (ovsdbRestart) {
                ovs.stopOvsdbServer();
                ovs.restart("br0");
            }
        } finally {
            stop.countDown();
        }
        assertEquals(0, exit.get(30, TimeUnit.SECONDS), "attach exit, stderr=" + err);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("detached: bridge=br0"), out.toString(StandardCharsets.UTF_8));
        assertEquals(before, controllerColumns(), "every Controller column restored");
        assertFalse(ovs.vsctl("get", "Bridge", "br0", "external_ids").contains("highway-"));
        assertFalse(java.nio.file.Files.exists(socket), "no listener socket left");
    }

    @Test
    void detachRestoresAfterAnAttachThatNeverStoppedCleanly() throws Exception {
        String before = controllerColumns();
        // What a crashed attach leaves behind: the bridge re-pointed, the originals saved.
        try (OvsdbSession session = OvsdbSession.connect(ovsdb())) {
            BridgeAttachment.pointAtProxy(session, "br0", session.controllers("br0"), List.of("tcp:127.0.0.1:1"));
        }
        assertTrue(ovs.vsctl("get-controller", "br0").contains("tcp:127.0.0.1:1"));
        HighwayCommand highway = HighwayCommand.standard();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = highway.run(List.of("detach", "--bridge", "br0", "--ovsdb", ovsdb()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertEquals(before, controllerColumns(), "every Controller column restored");

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertEquals(1, highway.run(List.of("detach", "--bridge", "br0", "--ovsdb", ovsdb()),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(again, true, StandardCharsets.UTF_8)));
        assertTrue(again.toString(StandardCharsets.UTF_8).contains("not attached"), again.toString(StandardCharsets.UTF_8));
        assertEquals(before, controllerColumns(), "a refused detach changes nothing");
    }

    @Test
    void attachingAnAttachedBridgeRelaysToTheSavedOriginals() throws Exception {
        String before = controllerColumns();
        try (OvsdbSession session = OvsdbSession.connect(ovsdb())) {
            BridgeAttachment.pointAtProxy(session, "br0", session.controllers("br0"), List.of("tcp:127.0.0.1:1"));
        }
        CountDownLatch stop = new CountDownLatch(1);
        AttachCommand attach = new AttachCommand(Map.of("OVS_RUNDIR", ovs.runDir().toString()), new AttachCommand.StopSignal() {
            @Override
            public void await() throws InterruptedException {
                stop.await();
            }

            @Override
            public void stopped() {
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return attach.run(List.of("--bridge", "br0", "--ovsdb", ovsdb()),
                        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try {
            assertTrue(Poll.eventually(Duration.ofSeconds(20), Duration.ofMillis(100),
                    () -> out.toString(StandardCharsets.UTF_8).contains("reattached=true")
                    && out.toString(StandardCharsets.UTF_8).contains("controller=tcp:127.0.0.1:" + controllerPort)),
                    out.toString(StandardCharsets.UTF_8));
        } finally {
            stop.countDown();
        }
        assertEquals(0, exit.get(30, TimeUnit.SECONDS));
        assertEquals(before, controllerColumns());
    }

    private static String findController(String target) throws Exception {
        return ovs.vsctl("--bare", "--columns=_uuid", "find", "Controller", "target=\"" + target + "\"").strip();
    }

}
