package org.ovshighway.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A {@link TrafficGuest} in its own JVM (as a VNF would run), with its output in a file. */
final class TrafficGuestProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path output;

    private TrafficGuestProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    /** {@code common} followed by {@code more}: shared options plus one guest's own. */
    static String[] arguments(String[] common, String... more) {
        String[] all = java.util.Arrays.copyOf(common, common.length + more.length);
        System.arraycopy(more, 0, all, common.length, more.length);
        return all;
    }

    /** Waits (up to 60 s) until the guest printed {@code marker}. */
    void awaitOutput(String marker) throws IOException, InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (output().contains(marker)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("guest never printed '" + marker + "': " + output());
    }

    static TrafficGuestProcess start(String name, Path output, String... args) throws IOException {
        return start(name, output, List.of(), args);
    }

    /** As {@link #start(String, Path, String...)} with {@code prefix} (e.g. nice -n -10) before java. */
    static TrafficGuestProcess start(String name, Path output, List<String> prefix, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx64m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                TrafficGuest.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new TrafficGuestProcess(name, process, output);
    }

    /** The process id (of the JVM: {@code nice} execs it). */
    long pid() {
        return process.pid();
    }

    /** Sends SIGSTOP (the guest stops polling, as a hung VM would) or SIGCONT. */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " pid=" + process.pid() + " failed: status=" + kill.exitValue());
        }
    }

    /** Sends SIGTERM. */
    void terminate() {
        process.destroy();
    }

    /** Waits for the exit; returns the exit status. */
    int await(long seconds) throws IOException, InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IOException("traffic guest " + name + " still running after " + seconds + " s; output:\n"
                    + Files.readString(output));
        }
        return process.exitValue();
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    /** The key=value pairs of the TRAFFIC_SUMMARY line of {@code port}. */
    Map<String, String> summary(String port) throws IOException {
        String text = output();
        for (String line : text.split("\n")) {
            if (line.startsWith("TRAFFIC_SUMMARY port=" + port + " ")) {
                Map<String, String> values = new HashMap<>();
                for (String field : line.substring("TRAFFIC_SUMMARY ".length()).split(" ")) {
                    String[] kv = field.split("=", 2);
                    values.put(kv[0], kv[1]);
                }
                return values;
            }
        }
        throw new IOException("no TRAFFIC_SUMMARY for port=" + port + " in the output of " + name + ":\n" + text);
    }

    /** Stops the process if it still runs (TERM, then KILL after 5 s). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
