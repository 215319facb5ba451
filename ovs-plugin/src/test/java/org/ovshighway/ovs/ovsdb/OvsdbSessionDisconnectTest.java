package org.ovshighway.ovs.ovsdb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stopping the real ovsdb-server under a session: both transports (our unix pipeline and the
 * library's tcp connection service) must report the loss, and later calls must fail clearly.
 */
class OvsdbSessionDisconnectTest {

    @Test
    void stoppingOvsdbServerDisconnectsUnixAndTcpSessions() throws Exception {
        assumeTrue(PrivateOvs.runningAsRoot(), "needs root to install and run OVS");
        PrivateOvs ovs = PrivateOvs.start("br0");
        OvsdbSession unix = null;
        OvsdbSession tcp = null;
        try {
            unix = OvsdbSession.connect(ovs.unixEndpoint());
            tcp = OvsdbSession.connect(ovs.tcpEndpoint());
            BlockingQueue<String> unixReasons = new LinkedBlockingQueue<>();
            BlockingQueue<String> tcpReasons = new LinkedBlockingQueue<>();
            unix.addListener(listener(unixReasons));
            tcp.addListener(listener(tcpReasons));

            ovs.close();

            String unixReason = unixReasons.poll(10, TimeUnit.SECONDS);
            String tcpReason = tcpReasons.poll(10, TimeUnit.SECONDS);
            assertNotNull(unixReason, "unix session reported no disconnect");
            assertNotNull(tcpReason, "tcp session reported no disconnect");
            assertTrue(unixReason.contains(ovs.unixEndpoint()), unixReason);
            assertTrue(tcpReason.contains(ovs.tcpEndpoint()), tcpReason);
            assertFalse(unix.isConnected());
            assertFalse(tcp.isConnected());
            OvsdbSession dead = unix;
            OvsdbException e = assertThrows(OvsdbException.class, () ->
                    dead.updateExternalIds(ExternalIdsOwner.BRIDGE, "br0", Map.of("k", "v"), Set.of()));
            assertTrue(e.getMessage().contains("not connected"), e.getMessage());
        } finally {
            if (unix != null) {
                unix.close();
            }
            if (tcp != null) {
                tcp.close();
            }
            ovs.close();
        }
    }

    private static OvsdbListener listener(BlockingQueue<String> reasons) {
        return new OvsdbListener() {
            @Override
            public void onUpdate(OvsdbSnapshot snapshot, java.util.List<OvsdbEvent> events) {
            }

            @Override
            public void onDisconnected(String reason) {
                reasons.add(reason);
            }
        };
    }
}
