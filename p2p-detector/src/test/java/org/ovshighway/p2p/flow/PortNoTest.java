package org.ovshighway.p2p.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PortNoTest {

    @Test
    void smallNumbersShareOneInstance() {
        assertSame(PortNo.of(7), PortNo.of(7));
        assertSame(PortNo.of(0), PortNo.of(0));
        assertSame(PortNo.of(PortNo.SHARED_BELOW - 1), PortNo.of(PortNo.SHARED_BELOW - 1));
        assertEquals(new PortNo(7), PortNo.of(7));
    }

    @Test
    void largeNumbersAreEqualButNotShared() {
        PortNo a = PortNo.of(PortNo.SHARED_BELOW);
        PortNo b = PortNo.of(PortNo.SHARED_BELOW);
        assertEquals(a, b);
        assertNotSame(a, b);
        assertEquals(PortNo.LOCAL, PortNo.of(0xfffffffeL));
    }

    @Test
    void outOfRangeNumbersAreRejected() {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> PortNo.of(-1));
        assertEquals("port number out of unsigned 32-bit range: number=-1", thrown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PortNo.of(0x1_0000_0000L));
    }
}
