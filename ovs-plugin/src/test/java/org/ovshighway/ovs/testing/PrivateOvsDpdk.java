package org.ovshighway.ovs.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private OVS-DPDK for tests, started with the project's scripts (testbed/ovs-dpdk-up, -down;
 * see testbed/lib/ovs-dpdk.sh): ovsdb-server and ovs-vswitchd-dpdk (in a network namespace of its
 * own) under one run directory, one netdev bridge, PMD thread on core 1. {@link #close()} keeps
 * the daemons' logs under {@code target/ovs-dpdk-logs/}, stops both daemons and removes the DPDK
 * files of this instance and the run directory.
 */
public final class PrivateOvsDpdk implements AutoCloseable {
    private final Path run;
    private final String bridge;
    private final Map<String, String> env;
    private final String filePrefix;

    private PrivateOvsDpdk(Path run, String bridge) throws IOException {
        this.run = run;
        this.bridge = bridge;
        this.env = Map.of("OVS_RUNDIR", run.toString(), "OVS_LOGDIR", run.toString(), "OVS_DBDIR", run.toString());
        this.filePrefix = Files.readString(run.resolve("dpdk-file-prefix")).strip();
    }

    public static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts an instance with bridge {@code bridge}; on failure stops what started and removes the run directory. */
    public static PrivateOvsDpdk start(String bridge) throws IOException, InterruptedException {
        Path run = Files.createTempDirectory("hw-ovs-dpdk");
        try {
            exec(Map.of(), List.of(script("ovs-dpdk-up").toString(), run.toString(), bridge));
            return new PrivateOvsDpdk(run, bridge);
        } catch (IOException | RuntimeException e) {
            try {
                exec(Map.of(), List.of(script("ovs-dpdk-down").toString(), run.toString()));
            } catch (IOException stopFailure) {
                e.addSuppressed(stopFailure);
            }
            deleteTree(run);
            throw e;
        }
    }

    public Path run() {
        return run;
    }

    public String bridge() {
        return bridge;
    }

    /** The environment that points the OVS tools at this instance. */
    public Map<String, String> env() {
        return env;
    }

    /** DPDK's --file-prefix of this instance (hugepage files are named after it). */
    public String filePrefix() {
        return filePrefix;
    }

    public String vsctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ovs-vsctl", "--timeout=10"));
        command.addAll(Arrays.asList(args));
        return exec(env, command).strip();
    }

    public String ofctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ovs-ofctl"));
        command.addAll(Arrays.asList(args));
        return exec(env, command);
    }

    /** Restarts ovs-vswitchd only (OVSDB and its configuration stay; OpenFlow flows do not). */
    public void restartVswitchd() throws IOException, InterruptedException {
        exec(Map.of(), List.of(script("ovs-dpdk-restart-vswitchd").toString(), run.toString()));
    }

    /** Kills ovs-vswitchd hard (SIGKILL), as a crash would; {@link #close} still cleans up after it. */
    public void killVswitchd() throws IOException, InterruptedException {
        String pid = Files.readString(run.resolve("ovs-vswitchd.pid")).trim();
        exec(Map.of(), List.of("kill", "-KILL", pid));
        for (int i = 0; i < 250 && Files.exists(Path.of("/proc", pid)); i++) {
            Thread.sleep(20);
        }
        if (Files.exists(Path.of("/proc", pid))) {
            throw new IOException("ovs-vswitchd still there 5 s after SIGKILL: pid=" + pid);
        }
    }

    /**
     * Stops ovs-vswitchd (SIGSTOP), as a daemon that hangs: OVSDB still takes changes, nobody applies
     * them. {@link #resumeVswitchd} lets it go on; {@link #close} resumes it before stopping it.
     */
    public void pauseVswitchd() throws IOException, InterruptedException {
        exec(Map.of(), List.of("kill", "-STOP", Files.readString(run.resolve("ovs-vswitchd.pid")).trim()));
    }

    /** Lets a paused ovs-vswitchd go on (SIGCONT). */
    public void resumeVswitchd() throws IOException, InterruptedException {
        exec(Map.of(), List.of("kill", "-CONT", Files.readString(run.resolve("ovs-vswitchd.pid")).trim()));
    }

    /** Restarts ovsdb-server only (conf.db stays; every OVSDB client's connection closes). */
    public void restartOvsdbServer() throws IOException, InterruptedException {
        exec(Map.of(), List.of(script("ovs-dpdk-restart-ovsdb").toString(), run.toString()));
    }

    /**
     * The live OpenFlow port counters of {@code port} ({@code ovs-ofctl dump-ports}; the
     * Interface statistics column in OVSDB is refreshed only every 5 s): keys {@code rx_pkts},
     * {@code rx_drop}, {@code tx_pkts}, {@code tx_drop}, ...
     */
    public Map<String, Long> portCounters(String port) throws IOException, InterruptedException {
        String reply = ofctl("dump-ports", bridge, port);
        Map<String, Long> counters = new java.util.HashMap<>();
        String prefix = null;
        for (String rawLine : reply.split("\n")) {
            String line = rawLine.strip();
            if (line.startsWith("port")) {
                line = line.substring(line.indexOf(':') + 1).strip();
            }
            if (line.startsWith("rx ") || line.startsWith("tx ")) {
                prefix = line.substring(0, 2);
                line = line.substring(3);
            } else {
                continue;
            }
            for (String field : line.split(",")) {
                String[] kv = field.strip().split("=", 2);
                if (kv.length == 2 && kv[1].matches("\\d+")) {
                    counters.put(prefix + "_" + kv[0], Long.parseLong(kv[1]));
                }
            }
        }
        if (!counters.containsKey("rx_pkts") || !counters.containsKey("tx_pkts")) {
            throw new IOException("cannot read rx/tx pkts of port=" + port + " from dump-ports reply:\n" + reply);
        }
        return counters;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Path logs = Files.createDirectories(Path.of("target", "ovs-dpdk-logs", run.getFileName().toString()));
        try (Stream<Path> files = Files.list(run)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".out")).toList()) {
                Files.copy(p, logs.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try {
            Path pidFile = run.resolve("ovs-vswitchd.pid");
            if (Files.exists(pidFile)) {
                // a test that paused it may have failed before resuming it: a stopped process takes no SIGTERM
                new ProcessBuilder("kill", "-CONT", Files.readString(pidFile).trim()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            }
            exec(Map.of(), List.of(script("ovs-dpdk-down").toString(), run.toString()));
        } finally {
            deleteTree(run);
        }
    }

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("testbed/lib/common.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("testbed/lib/common.sh not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static Path script(String name) {
        return root().resolve("testbed").resolve(name);
    }

    /** Runs a command to completion (at most 120 s); returns stdout, throws with its output on failure. */
    public static String exec(Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        // files, not pipes: a detached daemon inheriting a pipe would keep a reader waiting forever
        Path out = Files.createTempFile("hw-cmd", ".out");
        Path err = Files.createTempFile("hw-cmd", ".err");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("command did not finish in 120 s: " + command + "\nstderr: " + Files.readString(err));
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException("command failed: exit=" + process.exitValue() + " command=" + command
                        + "\nstdout: " + stdout + "\nstderr: " + Files.readString(err));
            }
            return stdout;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
