package org.ovshighway.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code highway agent --config FILE} (or another highway command) in its own JVM: the highway command's main class with the
 * JVM options the {@code ./highway} script gives it, on this test's class path (the agent module
 * is a test dependency, so the reactor has built it). Stopped with SIGTERM, as an operator would.
 */
final class HighwayAgentProcess implements AutoCloseable {
    private static final String READY = "highway agent running:";

    private final Process process;
    private final Path output;

    private HighwayAgentProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts the agent and waits until it says its ring ports are up. */
    static HighwayAgentProcess start(Path config, Path output) throws IOException, InterruptedException {
        return start(config, output, java.util.Map.of());
    }

    /** {@link #start(Path, Path)} with {@code environment} added to the agent's. */
    static HighwayAgentProcess start(Path config, Path output, java.util.Map<String, String> environment)
            throws IOException, InterruptedException {
        HighwayAgentProcess agent = launch(config, output, environment);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!agent.output().contains(READY)) {
            if (!agent.process.isAlive() || System.nanoTime() > deadline) {
                agent.close();
                throw new IOException("highway agent did not report its ring ports up (alive=" + agent.process.isAlive()
                        + "); output:\n" + agent.output());
            }
            Thread.sleep(50);
        }
        return agent;
    }

    /** Starts the agent without waiting for anything. */
    static HighwayAgentProcess launch(Path config, Path output, java.util.Map<String, String> environment)
            throws IOException {
        return launchCommand(List.of("agent", "--config", config.toString()), output, environment);
    }

    /** Starts {@code highway ARGS...} (any command: {@code attach --bridge br0 ...}) without waiting for anything. */
    static HighwayAgentProcess launchCommand(List<String> highwayArgs, Path output, java.util.Map<String, String> environment)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Djava.util.logging.manager=org.ovshighway.agent.ShutdownLogManager",
                "-cp", System.getProperty("java.class.path"), "org.ovshighway.agent.HighwayCommand"));
        command.addAll(highwayArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        return new HighwayAgentProcess(builder.start(), output);
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    /**
     * Waits up to 30 s for {@code line} in the agent's output and returns the output. The agent
     * logs through a writer thread of its own: a line can reach the file after the state it
     * reports is visible through the control socket.
     */
    String awaitOutput(String line) throws IOException, InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String text = output();
        while (!text.contains(line)) {
            if (System.nanoTime() - until > 0) {
                throw new AssertionError("no \"" + line + "\" in the agent's output within 30 s:\n" + text);
            }
            Thread.sleep(50);
            text = output();
        }
        return text;
    }

    /** Sends SIGTERM and returns at once. */
    void terminate() {
        process.destroy();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code limit} for the agent to exit; returns its exit status. */
    int awaitExit(java.time.Duration limit) throws IOException, InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("highway agent still running " + limit.toSeconds() + " s on; output:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGTERM and wait for the agent's cleanup; returns its exit status. */
    int stop() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IOException("highway agent still running 30 s after SIGTERM; output:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL, as a crash: the agent cleans up nothing. Returns its exit status (137). */
    int kill() throws IOException, InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IOException("highway agent still running 10 s after SIGKILL");
        }
        return process.exitValue();
    }

    /** Kills the agent if it still runs (a failed test's cleanup). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
