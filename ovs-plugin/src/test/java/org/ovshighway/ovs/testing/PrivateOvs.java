package org.ovshighway.ovs.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real, private userspace OVS for tests, started and stopped through the project's
 * {@code testbed/ovs-up} / {@code testbed/ovs-down} scripts under a short run directory of its own.
 * Needs root (the scripts install OVS when missing); {@link #rootOrSkip()} is the only skip condition.
 */
public final class PrivateOvs implements AutoCloseable {

    private final Path runDir;
    private final Path testbed;

    private PrivateOvs(Path runDir, Path testbed) {
        this.runDir = runDir;
        this.testbed = testbed;
    }

    /** True when tests may start OVS here (root); tests use it with Assumptions.assumeTrue. */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Starts ovsdb-server and ovs-vswitchd (dummy ports, netdev datapath) with the given bridges. */
    public static PrivateOvs start(String... bridges) throws IOException, InterruptedException {
        Path testbed = findTestbed();
        // Short and unique: unix socket paths are limited to 107 bytes.
        Path run = Files.createTempDirectory(Path.of("/tmp"), "hwovs");
        PrivateOvs ovs = new PrivateOvs(run, testbed);
        List<String> cmd = new ArrayList<>(List.of(testbed.resolve("ovs-up").toString(), run.toString()));
        cmd.addAll(List.of(bridges));
        try {
            ovs.run(cmd, 120);
        } catch (IOException | RuntimeException e) {
            ovs.close();
            throw e;
        }
        return ovs;
    }

    public Path runDir() {
        return runDir;
    }

    public Path managementSocket(String bridge) {
        return runDir.resolve(bridge + ".mgmt");
    }

    /** Runs {@code ovs-ofctl ARGS} against this instance; fails with its stderr on a non-zero exit. */
    public String ofctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ovs-ofctl"));
        cmd.addAll(List.of(args));
        return run(cmd, 30);
    }

    public String vsctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + runDir.resolve("db.sock"), "--timeout=10"));
        cmd.addAll(List.of(args));
        return run(cmd, 30);
    }

    /** Runs {@code ovs-appctl -t <run>/ovs-vswitchd.ctl ARGS} (ofproto/trace, dpif/show...) against this instance's vswitchd. */
    public String appctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ovs-appctl", "-t", runDir.resolve("ovs-vswitchd.ctl").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, 30);
    }

    /** Kills ovs-vswitchd hard (SIGKILL), as a crash would. */
    public void killVswitchd() throws IOException, InterruptedException {
        String pid = Files.readString(runDir.resolve("ovs-vswitchd.pid")).trim();
        run(List.of("kill", "-KILL", pid), 10);
        for (int i = 0; i < 100 && Files.exists(Path.of("/proc", pid)); i++) {
            Thread.sleep(20);
        }
    }

    /**
     * Stops ovsdb-server (SIGTERM), as restarting OVS as a whole does: every OVSDB client's
     * connection closes, ovs-vswitchd keeps running. {@link #restart} starts it again on the same database.
     */
    public void stopOvsdbServer() throws IOException, InterruptedException {
        String pid = Files.readString(runDir.resolve("ovsdb-server.pid")).trim();
        run(List.of("kill", "-TERM", pid), 10);
        for (int i = 0; i < 250 && Files.exists(Path.of("/proc", pid)); i++) {
            Thread.sleep(20);
        }
        if (Files.exists(Path.of("/proc", pid))) {
            throw new IOException("ovsdb-server did not stop within 5 s of SIGTERM: pid=" + pid);
        }
    }

    /**
     * Starts whatever of the instance is not running (after {@link #killVswitchd()} or
     * {@link #stopOvsdbServer()}); bridges come back from the database.
     */
    public void restart(String... bridges) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(testbed.resolve("ovs-up").toString(), runDir.toString()));
        cmd.addAll(List.of(bridges));
        run(cmd, 120);
    }

    private String run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("OVS_RUNDIR", runDir.toString());
        env.put("OVS_LOGDIR", runDir.toString());
        env.put("OVS_DBDIR", runDir.toString());
        Path err = Files.createTempFile(runDir, "cmd", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("command timed out: cmd=" + cmd + " timeoutSeconds=" + timeoutSeconds);
        }
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        if (p.exitValue() != 0) {
            throw new IOException("command failed: cmd=" + cmd + " exit=" + p.exitValue() + " stderr=" + stderr.strip());
        }
        return out;
    }

    /** Stops the daemons (testbed/ovs-down) and deletes the run directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run(List.of(testbed.resolve("ovs-down").toString(), runDir.toString()), 60);
        } finally {
            try (var files = Files.walk(runDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static Path findTestbed() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve("testbed/ovs-up"))) {
                return dir.resolve("testbed");
            }
        }
        throw new IllegalStateException("testbed/ovs-up not found above " + Path.of("").toAbsolutePath());
    }
}
