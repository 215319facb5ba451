package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM started as the {@code highway} launcher starts it, stopped with SIGTERM: what its shutdown
 * hook logs after the JDK's own hook ran is still written.
 */
class ShutdownLogManagerTest {

    /** The probe: logs from its shutdown hook well after SIGTERM, as the agent does while it stops. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            System.Logger log = System.getLogger("probe");
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                log.log(System.Logger.Level.INFO, "late line from the hook");
                ShutdownLogManager.closeHandlers();
            }));
            ShutdownLogManager.holdDuringShutdown();
            log.log(System.Logger.Level.INFO, "probe running");
            Thread.sleep(60_000);
        }
    }

    @Test
    void whatTheHookLogsAfterSigtermIsWritten() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.util.logging.manager=" + ShutdownLogManager.class.getName(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName())
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.append(line).append('\n');
                if (line.contains("probe running")) {
                    process.toHandle().destroy(); // SIGTERM; Process.destroy would close our end of its output
                }
            }
        } finally {
            process.destroyForcibly();
        }
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertTrue(output.toString().contains("late line from the hook"), output.toString());
    }
}
