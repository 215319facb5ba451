package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The direct-link harness as the bench runs it: two real JVM processes sharing a real region
 * file in /dev/shm. Asserts delivery (every frame once, in order) and cleanup; no timing.
 */
class DirectLinkProcessesTest {
    private static final Pattern REGION = Pattern.compile("^HIGHWAY_REGION path=(\\S+)", Pattern.MULTILINE);
    private static final Pattern RX = Pattern.compile(
            "^HIGHWAY_RX mpps=\\S+ windows=\\S+ received=(\\d+) lost=(\\d+) reordered=(\\d+) bad_length=(\\d+)",
            Pattern.MULTILINE);
    private static final Pattern TX = Pattern.compile("^HIGHWAY_TX mpps=\\S+ windows=\\S+ sent=(\\d+)", Pattern.MULTILINE);

    @Test
    void consumerProcessSeesEveryFrameOfProducerProcessInOrder() throws Exception {
        Path producerOut = Files.createTempFile("highway-producer", ".log");
        Path consumerOut = Files.createTempFile("highway-consumer", ".log");
        String name = "highway-test-link-" + ProcessHandle.current().pid();
        Process producer = java("DirectLinkProducer", producerOut, "--dir", "/dev/shm", "--name", name,
                "--warmup-ms", "0", "--windows", "2", "--window-ms", "200", "--tail-ms", "300");
        Process consumer = null;
        try {
            Path region = awaitRegion(producerOut, producer);
            assertEquals(Path.of("/dev/shm", name), region);
            consumer = java("DirectLinkConsumer", consumerOut, "--region", region.toString(),
                    "--warmup-ms", "0", "--windows", "2", "--window-ms", "200");
            assertTrue(consumer.waitFor(60, TimeUnit.SECONDS), "consumer did not finish");
            assertTrue(producer.waitFor(60, TimeUnit.SECONDS), "producer did not finish");
            String rxLog = Files.readString(consumerOut, StandardCharsets.UTF_8);
            String txLog = Files.readString(producerOut, StandardCharsets.UTF_8);
            assertEquals(0, consumer.exitValue(), rxLog);
            assertEquals(0, producer.exitValue(), txLog);

            Matcher rx = RX.matcher(rxLog);
            assertTrue(rx.find(), rxLog);
            long received = Long.parseLong(rx.group(1));
            assertTrue(received > 0, rxLog);
            assertEquals("0", rx.group(2), "lost");
            assertEquals("0", rx.group(3), "reordered");
            assertEquals("0", rx.group(4), "bad_length");
            Matcher tx = TX.matcher(txLog);
            assertTrue(tx.find(), txLog);
            // the consumer stops first; it cannot have seen more than was sent
            assertTrue(Long.parseLong(tx.group(1)) >= received, txLog + rxLog);
            assertFalse(Files.exists(region), "producer deletes its region file");
        } finally {
            producer.destroyForcibly().waitFor();
            if (consumer != null) {
                consumer.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(Path.of("/dev/shm", name));
            Files.deleteIfExists(producerOut);
            Files.deleteIfExists(consumerOut);
        }
    }

    private static Process java(String main, Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx128m",
                "-cp", System.getProperty("java.class.path"),
                "org.ovshighway.testbed." + main));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static Path awaitRegion(Path producerOut, Process producer) throws Exception {
        for (int i = 0; i < 600; i++) {
            Matcher m = REGION.matcher(Files.readString(producerOut, StandardCharsets.UTF_8));
            if (m.find()) {
                return Path.of(m.group(1));
            }
            if (!producer.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        String log = Files.readString(producerOut, StandardCharsets.UTF_8);
        return fail("producer printed no HIGHWAY_REGION line: " + log);
    }
}
