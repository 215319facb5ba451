package org.ovshighway.guest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every protocol case of {@link RemapProtocolFakeSwitchTest} with links mapped on the library's
 * mapper thread ({@code -Dorg.ovshighway.guest.mapOffDataPath=true}, read when each port opens).
 */
class RemapProtocolOffDataPathFakeSwitchTest extends RemapProtocolFakeSwitchTest {
    private static final String PROPERTY = "org.ovshighway.guest.mapOffDataPath";
    private static String before;

    @BeforeAll
    static void mapOffTheDataPath() {
        before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, "true");
    }

    @AfterAll
    static void restore() {
        if (before == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, before);
        }
    }
}
