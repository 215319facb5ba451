package org.ovshighway.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A private OVS-DPDK started with the project's testbed scripts (needs root); close stops it and removes its run dir. */
final class PrivateOvsDpdk implements AutoCloseable {
    final Path run;
    private final Map<String, String> env;

    private PrivateOvsDpdk(Path run) {
        this.run = run;
        this.env = Map.of("OVS_RUNDIR", run.toString(), "OVS_LOGDIR", run.toString(), "OVS_DBDIR", run.toString());
    }

    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    static PrivateOvsDpdk start(String bridge) throws IOException, InterruptedException {
        PrivateOvsDpdk ovs = new PrivateOvsDpdk(Files.createTempDirectory("hw-agent-ovs-dpdk"));
        try {
            run(Map.of(), List.of(script("ovs-dpdk-up").toString(), ovs.run.toString(), bridge));
        } catch (IOException | InterruptedException e) {
            ovs.close();
            throw e;
        }
        return ovs;
    }

    void restartVswitchd() throws IOException, InterruptedException {
        run(Map.of(), List.of(script("ovs-dpdk-restart-vswitchd").toString(), run.toString()));
    }

    String vsctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ovs-vsctl", "--timeout=10"));
        command.addAll(Arrays.asList(args));
        return run(env, command).strip();
    }

    String ofctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ovs-ofctl"));
        command.addAll(Arrays.asList(args));
        return run(env, command).strip();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // keep the daemons' logs for diagnosis: target/ovs-dpdk-logs/<run dir name>/
        Path logs = Files.createDirectories(Path.of("target", "ovs-dpdk-logs", run.getFileName().toString()));
        try (Stream<Path> files = Files.list(run)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".out")).toList()) {
                Files.copy(p, logs.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try {
            run(Map.of(), List.of(script("ovs-dpdk-down").toString(), run.toString()));
        } finally {
            try (Stream<Path> files = Files.walk(run)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static Path script(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("testbed/lib/common.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("testbed/lib/common.sh not found above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("testbed").resolve(name);
    }

    /** Runs a command to completion (at most 120 s) with output in files (daemons may inherit them). */
    static String run(Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Path out = Files.createTempFile("hw-cmd", ".out");
        Path err = Files.createTempFile("hw-cmd", ".err");
        try {
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process process = builder.start();
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
}
