package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command-line surface of attach and detach, without OVS. */
class AttachDetachUsageTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return HighwayCommand.standard().run(List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void overviewListsAttachAndDetach() {
        assertEquals(0, run("--help"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("attach") && text.contains("detach"), text);
    }

    @Test
    void helpNamesTheSavedKeyAndTheRestoreOnStop() {
        assertEquals(0, run("attach", "--help"));
        String attach = out.toString(StandardCharsets.UTF_8);
        assertTrue(attach.contains("external_ids:highway-original-controllers"), attach);
        assertTrue(attach.contains("SIGTERM or SIGINT restores"), attach);
        out.reset();
        assertEquals(0, run("detach", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("not attached"));
    }

    @Test
    void missingBridgeIsAUsageError() {
        assertEquals(2, run("attach"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--bridge"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("detach"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--bridge"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badPassiveAddressAndPortAreUsageErrorsNamingTheValue() {
        assertEquals(2, run("attach", "--bridge", "br0", "--passive", "nocolon"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("value=nocolon"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run("attach", "--bridge", "br0", "--listen-port", "70000"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("value=70000"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void tlsOptionsThatNameNoSingleSourceAreUsageErrorsNamingTheOption() throws Exception {
        java.nio.file.Path key = java.nio.file.Files.createTempFile("hw-key", ".pem");
        try {
            assertEquals(2, run("attach", "--bridge", "br0", "--ssl-private-key", key.toString()));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("--ssl-certificate: missing"),
                    err.toString(StandardCharsets.UTF_8));
            err.reset();
            assertEquals(2, run("attach", "--bridge", "br0", "--ssl-keystore", key.toString(), "--ssl-private-key",
                    key.toString(), "--ssl-certificate", key.toString()));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("--ssl-keystore: give either"),
                    err.toString(StandardCharsets.UTF_8));
            err.reset();
            assertEquals(2, run("attach", "--bridge", "br0", "--ssl-keystore", "no-such-store.p12"));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("--ssl-keystore: not a readable file"),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            java.nio.file.Files.deleteIfExists(key);
        }
    }
}
