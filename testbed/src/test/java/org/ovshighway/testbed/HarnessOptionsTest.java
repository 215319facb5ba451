package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class HarnessOptionsTest {
    private static final Map<String, String> DEFAULTS = Map.of("windows", "5", "cpu", "0");

    @Test
    void givenValuesOverrideDefaults() {
        HarnessOptions options = HarnessOptions.parse("t", new String[] {"--windows", "7"}, DEFAULTS);
        assertEquals(7, options.positiveInt("windows"));
        assertEquals(0, options.cpuOrNone("cpu"));
    }

    @Test
    void noneMeansUnpinned() {
        HarnessOptions options = HarnessOptions.parse("t", new String[] {"--cpu", "none"}, DEFAULTS);
        assertEquals(-1, options.cpuOrNone("cpu"));
    }

    @Test
    void unknownKeyIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HarnessOptions.parse("t", new String[] {"--windowz", "7"}, DEFAULTS));
        assertTrue(e.getMessage().contains("unknown option=--windowz"), e.getMessage());
    }

    @Test
    void badNumberIsNamed() {
        HarnessOptions options = HarnessOptions.parse("t", new String[] {"--windows", "0"}, DEFAULTS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> options.positiveInt("windows"));
        assertEquals("t: option=--windows value=0 must be > 0", e.getMessage());
    }

    @Test
    void missingValueIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HarnessOptions.parse("t", new String[] {"--windows"}, DEFAULTS));
        assertEquals("t: option=--windows needs a value", e.getMessage());
    }
}
