package org.ovshighway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OpenFlowTargetTest {

    @Test
    void parsesOvsTargetSyntax() {
        assertEquals(new OpenFlowTarget(OpenFlowTarget.Kind.TCP, "10.0.0.1", 6653, null), OpenFlowTarget.parse("tcp:10.0.0.1"));
        assertEquals(new OpenFlowTarget(OpenFlowTarget.Kind.SSL, "::1", 6633, null), OpenFlowTarget.parse("ssl:[::1]:6633"));
        assertEquals(new OpenFlowTarget(OpenFlowTarget.Kind.UNIX, null, 0, Path.of("/run/br0.mgmt")),
                OpenFlowTarget.parse("unix:/run/br0.mgmt"));
        assertEquals("ssl:[::1]:6633", OpenFlowTarget.parse("ssl:[::1]:6633").toString());
    }

    @Test
    void rejectsWhatIsNotAnActiveTargetNamingIt() {
        IllegalArgumentException passive = assertThrows(IllegalArgumentException.class, () -> OpenFlowTarget.parse("ptcp:6653"));
        assertTrue(passive.getMessage().contains("target=ptcp:6653"), passive.getMessage());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class, () -> OpenFlowTarget.parse("tcp:h:99999"));
        assertTrue(port.getMessage().contains("port=99999"), port.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OpenFlowTarget.parse("tcp::6653"));
        assertThrows(IllegalArgumentException.class, () -> OpenFlowTarget.parse("tcp:h:x"));
    }

    @Test
    void aBoundAddressIsWrittenAsATcpTargetThatParsesBack() {
        String v4 = OpenFlowTarget.tcpText(new java.net.InetSocketAddress("127.0.0.1", 6653));
        assertEquals("tcp:127.0.0.1:6653", v4);
        String v6 = OpenFlowTarget.tcpText(new java.net.InetSocketAddress("::1", 6654));
        assertEquals("tcp:[0:0:0:0:0:0:0:1]:6654", v6);
        assertEquals(6654, OpenFlowTarget.parse(v6).port());
    }
}
