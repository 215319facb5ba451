package org.ovshighway.ovs.memif;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.ovshighway.ovs.testing.PrivateOvsDpdk;

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

    /** Runs a command to completion (at most 120 s); returns its stdout, throws with its output on failure. */
    static String run(Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        return PrivateOvsDpdk.exec(env, command);
    }

    /** Installs DPDK and OVS-DPDK when missing (the script does nothing when they are there). */
    static void installDpdk() throws IOException, InterruptedException {
        run(Map.of(), List.of(script("dpdk-install").toString()));
    }
}
