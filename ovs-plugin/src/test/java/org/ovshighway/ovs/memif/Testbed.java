package org.ovshighway.ovs.memif;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Running the project's testbed scripts and OVS tools from tests. */
final class Testbed {
    private Testbed() {
    }

    /** Whether this process runs as root (DPDK and OVS-DPDK tests need it). */
    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The repository root: the nearest directory upwards holding testbed/lib/common.sh. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("testbed/lib/common.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("testbed/lib/common.sh not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path script(String name) {
        return root().resolve("testbed").resolve(name);
    }

    /** Runs a command to completion; returns its stdout, throws with its output on failure. */
    static String run(Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        builder.environment().putAll(env);
        Path err = Files.createTempFile("hw-cmd", ".err");
        builder.redirectError(err.toFile());
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("command did not finish in 120 s: " + command);
        }
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        String stdout = new String(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException("command failed: exit=" + process.exitValue() + " command=" + command
                    + "\nstdout: " + stdout + "\nstderr: " + stderr);
        }
        return stdout;
    }

    /** Installs DPDK and OVS-DPDK when missing (the script does nothing when they are there). */
    static void installDpdk() throws IOException, InterruptedException {
        run(Map.of(), List.of(script("dpdk-install").toString()));
    }
}
