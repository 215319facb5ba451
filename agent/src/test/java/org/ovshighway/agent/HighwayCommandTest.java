package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HighwayCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return HighwayCommand.standard().run(List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommandAndSucceeds() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("version"));
    }

    @Test
    void noArgumentsIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage: highway"));
    }

    @Test
    void unknownCommandIsAUsageErrorNamingIt() {
        assertEquals(2, run("frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'frobnicate'"));
    }

    @Test
    void versionPrintsTheFilteredProductVersion() {
        assertEquals(0, run("version"));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("highway 0."), printed);
        assertTrue(!printed.contains("${"), "version resource was not filtered: " + printed);
    }

    @Test
    void versionRejectsArguments() {
        assertEquals(2, run("version", "extra"));
    }

    @Test
    void commandHelpPrintsItsUsage() {
        assertEquals(0, run("version", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: highway version"));
    }
}
