package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.ovshighway.ovs.ovsdb.ControllerConfig;

class OriginalControllersTest {

    @Test
    void roundTripKeepsEveryColumnIncludingAwkwardCharacters() {
        TreeMap<String, String> settings = new TreeMap<>(Map.of("inactivity_probe", "7000", "connection_mode", "out-of-band",
                "enable_async_messages", "false"));
        List<ControllerConfig> controllers = List.of(
                new ControllerConfig("ssl:[::1]:6653", settings, Map.of("dscp", "8"), Map.of("note", "a b&c=d%e ü+")),
                ControllerConfig.of("tcp:10.0.0.1:6653"),
                ControllerConfig.of("ptcp:6633"));
        String text = OriginalControllers.encode(controllers);
        assertTrue(text.startsWith("v1 "), text);
        assertEquals(3, text.split(" ").length - 1, "one space-separated record per controller: " + text);
        assertEquals(controllers, OriginalControllers.decode(text));
    }

    @Test
    void noControllersIsTheBareFormatWord() {
        assertEquals("v1", OriginalControllers.encode(List.of()));
        assertEquals(List.of(), OriginalControllers.decode("v1"));
    }

    @Test
    void unreadableTextIsRejectedWithDetail() {
        IllegalArgumentException format = assertThrows(IllegalArgumentException.class, () -> OriginalControllers.decode("v9 target=x"));
        assertTrue(format.getMessage().contains("found=v9"), format.getMessage());
        IllegalArgumentException noTarget = assertThrows(IllegalArgumentException.class,
                () -> OriginalControllers.decode("v1 s.inactivity_probe=5"));
        assertTrue(noTarget.getMessage().contains("record=1"), noTarget.getMessage());
        IllegalArgumentException badColumn = assertThrows(IllegalArgumentException.class,
                () -> OriginalControllers.decode("v1 target=tcp%3A1.2.3.4&s.status=x"));
        assertTrue(badColumn.getMessage().contains("column=status"), badColumn.getMessage());
    }
}
