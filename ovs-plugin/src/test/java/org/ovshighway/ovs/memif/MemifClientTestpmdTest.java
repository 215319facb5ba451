package org.ovshighway.ovs.memif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The memif client against a real dpdk-testpmd memif server (needs root for DPDK). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MemifClientTestpmdTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @BeforeAll
    static void dpdk() throws Exception {
        assumeTrue(Testbed.isRoot(), "DPDK needs root");
        Testbed.installDpdk();
    }

    private static Path shmFile(String name) {
        return Path.of("/dev/shm", "hw-test-" + ProcessHandle.current().pid() + "-" + name + "-" + System.nanoTime());
    }

    @Test
    void connectsRegistersRingsAndTestpmdCountsFramesWrittenIntoTheMappedRegion() throws Exception {
        Path socket = dir.resolve("memif.sock");
        List<Integer> registered = new ArrayList<>();
        try (TestpmdServer testpmd = new TestpmdServer(socket, 2);
             TestRegionFile region = new TestRegionFile(shmFile("tp"), 2, 8)) {
            testpmd.start();
            MemifClient client = new MemifClient(MemifPortConfig.of(socket, "guest0"), region.region(),
                    new MemifClient.Listener() {
                        @Override
                        public void registering(int connection) {
                            registered.add(connection);
                        }

                        @Override
                        public void connected(int connection, String serverInterfaceName) {
                            region.resetCursors();
                        }
                    });
            try {
                client.connect(TIMEOUT);
                assertEquals(MemifClient.State.CONNECTED, client.state());
                assertEquals(List.of(1), registered);
                MemifMessage.Hello hello = client.serverHello().orElseThrow();
                assertTrue(hello.name().startsWith("DPDK"), "server name=" + hello.name());
                assertEquals(0x0200, hello.maxVersion());
                assertEquals("net_memif0", client.serverInterfaceName().orElseThrow());

                byte[] frame = TestFrames.ethernet(1, 64);
                int sent = 0;
                for (int i = 0; i < 10; i++) {
                    assertTrue(region.c2s(0).send(frame), "c2s[0] full after " + i);
                    assertTrue(region.c2s(1).send(frame), "c2s[1] full after " + i);
                    sent += 2;
                }
                long counted = 0;
                for (int attempt = 0; attempt < 100 && counted < sent; attempt++) {
                    counted = testpmd.rxPackets();
                    if (counted < sent) {
                        Thread.sleep(50);
                    }
                }
                assertEquals(sent, counted, "testpmd RX-packets");
                assertEquals(MemifClient.State.CONNECTED, client.poll(Duration.ZERO));

                testpmd.quit();
                MemifClient.State state = client.poll(TIMEOUT);
                assertEquals(MemifClient.State.DISCONNECTED, state);
                DisconnectReason reason = client.lastDisconnect().orElseThrow();
                assertTrue(reason.origin() == DisconnectReason.Origin.SERVER_DISCONNECT
                        || reason.origin() == DisconnectReason.Origin.SOCKET_CLOSED, "reason " + reason);
            } finally {
                client.close();
            }
            assertEquals(MemifClient.State.CLOSED, client.state());
        }
    }

    @Test
    void serverRefusalCarriesTheServersReason() throws Exception {
        Path socket = dir.resolve("memif.sock");
        try (TestpmdServer testpmd = new TestpmdServer(socket, 1);
             TestRegionFile region = new TestRegionFile(shmFile("refuse"), 1, 8)) {
            testpmd.start();
            // Interface id 7 does not exist on that socket: DPDK answers DISCONNECT "ID not found".
            MemifClient client = new MemifClient(new MemifPortConfig(socket, 7, "highway", "guest0", ""),
                    region.region());
            MemifProtocolException e = assertThrows(MemifProtocolException.class, () -> client.connect(TIMEOUT));
            assertTrue(e.getMessage().contains("ID not found"), e.getMessage());
            assertEquals(MemifClient.State.DISCONNECTED, client.state());
            assertEquals(DisconnectReason.Origin.SERVER_DISCONNECT, client.lastDisconnect().orElseThrow().origin());

            // The same client then registers with the right id.
            MemifClient good = new MemifClient(MemifPortConfig.of(socket, "guest0"), region.region());
            good.connect(TIMEOUT);
            assertEquals(MemifClient.State.CONNECTED, good.state());
            good.close();
        }
    }

    @Test
    void uninitialisedRingIsRefusedBeforeTalkingToTheServer() throws Exception {
        Path file = shmFile("raw");
        Files.write(file, new byte[1 << 20]);
        try {
            MemifRegion raw = new MemifRegion(file, 1 << 20, 8, List.of(4096L), List.of(16384L));
            MemifClient client = new MemifClient(MemifPortConfig.of(dir.resolve("none.sock"), "guest0"), raw);
            MemifException e = assertThrows(MemifException.class, () -> client.connect(Duration.ofSeconds(1)));
            assertTrue(e.getMessage().contains("c2s[0] offset=4096 cookie=0x0"), e.getMessage());
            assertEquals(MemifClient.State.IDLE, client.state());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
