package org.ovshighway.ovs.ovsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OvsdbEndpointTest {

    @Test
    void parsesUnixAndTcpInOvsNotation() {
        assertEquals(new OvsdbEndpoint.Unix(Path.of("/run/openvswitch/db.sock")),
                OvsdbEndpoint.parse("unix:/run/openvswitch/db.sock"));
        assertEquals(new OvsdbEndpoint.Tcp("127.0.0.1", 6640), OvsdbEndpoint.parse("tcp:127.0.0.1:6640"));
        assertEquals(new OvsdbEndpoint.Tcp("::1", 6640), OvsdbEndpoint.parse("tcp:[::1]:6640"));
        assertEquals("tcp:[::1]:6640", OvsdbEndpoint.parse("tcp:[::1]:6640").toString());
        assertEquals("unix:/x/db.sock", OvsdbEndpoint.parse("unix:/x/db.sock").toString());
    }

    @Test
    void rejectsMalformedEndpointsNamingThem() {
        for (String bad : new String[] {"ssl:1.2.3.4:6640", "unix:", "tcp:host", "tcp::6640", "tcp:h:x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OvsdbEndpoint.parse(bad));
            assertTrue(e.getMessage().contains("endpoint=" + bad), e.getMessage());
        }
        for (String bad : new String[] {"tcp:h:0", "tcp:h:70000"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OvsdbEndpoint.parse(bad));
            assertTrue(e.getMessage().contains("host=h port="), e.getMessage());
        }
    }
}
