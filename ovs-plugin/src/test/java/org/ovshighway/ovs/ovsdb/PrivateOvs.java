package org.ovshighway.ovs.ovsdb;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private userspace OVS (ovsdb-server + ovs-vswitchd with dummy netdevs) started through
 * testbed/lib/ovs.sh under a fresh run directory, also listening for OVSDB on 127.0.0.1. Close
 * stops both daemons and deletes the run directory; closing twice is harmless.
 */
final class PrivateOvs implements AutoCloseable {

    private static final Path TESTBED_LIB = Path.of(System.getProperty("basedir", "."))
            .toAbsolutePath().getParent().resolve("testbed/lib");

    final Path run;
    final int tcpPort;
    private boolean closed;

    private PrivateOvs(Path run, int tcpPort) {
        this.run = run;
        this.tcpPort = tcpPort;
    }

    static boolean runningAsRoot() {
        try {
            return "0".equals(exec(List.of("id", "-u")).strip());
        } catch (IOException e) {
            return false;
        }
    }

    static PrivateOvs start(String... bridges) throws IOException {
        // Short and under /tmp: RUN/<bridge>.mgmt must fit a unix socket path.
        Path run = Files.createTempDirectory(Path.of("/tmp"), "hw-ovsdb-");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        PrivateOvs ovs = new PrivateOvs(run, port);
        StringBuilder script = new StringBuilder("ovs_install && ovs_start \"$RUN\" " + port);
        for (String bridge : bridges) {
            script.append(" && ovs_add_bridge \"$RUN\" ").append(bridge);
        }
        try {
            ovs.shell(script.toString());
        } catch (IOException | RuntimeException e) {
            ovs.close();
            throw e;
        }
        return ovs;
    }

    String unixEndpoint() {
        return "unix:" + run.resolve("db.sock");
    }

    String tcpEndpoint() {
        return "tcp:127.0.0.1:" + tcpPort;
    }

    /** Runs ovs-vsctl against this instance (waiting for ovs-vswitchd) and returns its stdout. */
    String vsctl(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + run.resolve("db.sock"), "--timeout=10"));
        command.addAll(List.of(args));
        return exec(command);
    }

    private void shell(String script) throws IOException {
        exec(List.of("bash", "-c", "set -e; . \"$LIB/common.sh\"; . \"$LIB/ovs.sh\"; " + script),
                "LIB", TESTBED_LIB.toString(), "RUN", run.toString());
    }

    private static String exec(List<String> command, String... env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process process = pb.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("command timed out: command=" + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: command=" + command, e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("command failed: command=" + command + " exit=" + process.exitValue() + " output=" + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            shell("ovs_stop \"$RUN\"");
        } finally {
            try (Stream<Path> files = Files.walk(run)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
