package org.ovshighway.ovs.memif;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real {@code dpdk-testpmd} with one memif port in server role, interactive, forwarding in
 * rxonly mode: it counts what arrives on its rx queues. Runs without hugepages under a file
 * prefix of its own, which {@link #close()} removes with the process.
 * Its stdout is a pipe, so it runs under {@code stdbuf -oL} or its answers would sit in a buffer.
 */
final class TestpmdServer implements AutoCloseable {
    private static final Pattern RX_PACKETS = Pattern.compile("RX-packets:\\s+(\\d+)");

    private final Process process;
    private final OutputStream stdin;
    private final StringBuilder output = new StringBuilder();
    private final String filePrefix;
    private final Path socket;

    TestpmdServer(Path socket, int queues) throws IOException {
        this.socket = socket;
        this.filePrefix = "hwtest" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000;
        Files.deleteIfExists(socket);
        List<String> command = List.of("stdbuf", "-oL", "dpdk-testpmd", "-l", "0,1", "--no-pci", "--no-huge", "-m", "256",
                "--file-prefix=" + filePrefix,
                "--vdev=net_memif0,role=server,id=0,socket=" + socket + ",socket-abstract=no",
                "--", "-i", "--forward-mode=rxonly", "--rxq=" + queues, "--txq=" + queues, "--nb-cores=1",
                "--total-num-mbufs=4096", "--no-lsc-interrupt", "--no-rmv-interrupt");
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        stdin = process.getOutputStream();
        Thread reader = Thread.ofPlatform().daemon().name("testpmd-output").start(() -> pump(process.getInputStream()));
        reader.setUncaughtExceptionHandler((t, e) -> { });
    }

    private void pump(InputStream in) {
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (output) {
                    output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Waits until the output (from {@code from} on) matches {@code pattern}; returns the match. */
    Matcher await(Pattern pattern, int from, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (true) {
                Matcher m = pattern.matcher(output);
                if (m.find(from)) {
                    return m;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !m.find(from)) {
                    throw new AssertionError("testpmd output never matched " + pattern + "; output:\n" + output);
                }
                output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    int outputLength() {
        synchronized (output) {
            return output.length();
        }
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    void command(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /**
     * Waits for the prompt, then starts forwarding and waits until testpmd has printed its
     * forwarding streams and the prompt after them: only then is the port started. (Waiting for
     * any prompt after the command was not enough: a prompt printed late for the previous line
     * matched, the caller's memif client then connected while testpmd was still starting the
     * port, and testpmd hung.)
     */
    void start() throws IOException, InterruptedException {
        await(Pattern.compile("testpmd> "), 0, Duration.ofSeconds(30));
        int from = outputLength();
        command("start");
        await(Pattern.compile("forwards packets on[\\s\\S]*testpmd> "), from, Duration.ofSeconds(30));
    }

    /** Port 0's RX-packets as {@code show port stats 0} reports it. */
    long rxPackets() throws IOException, InterruptedException {
        int from = outputLength();
        command("show port stats 0");
        return Long.parseLong(await(RX_PACKETS, from, Duration.ofSeconds(30)).group(1));
    }

    Path socket() {
        return socket;
    }

    /** Quits testpmd (closing its ports) and waits for it to end. */
    void quit() throws IOException, InterruptedException {
        if (process.isAlive()) {
            command("quit");
            process.waitFor(15, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            quit();
        } catch (IOException e) {
            // stdin already closed: the process is gone or going
        }
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        Files.deleteIfExists(socket);
        Path runtime = Path.of("/var/run/dpdk", filePrefix);
        if (Files.exists(runtime)) {
            try (Stream<Path> files = Files.walk(runtime)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        try (Stream<Path> pages = Files.exists(Path.of("/dev/hugepages"))
                ? Files.list(Path.of("/dev/hugepages")) : Stream.empty()) {
            for (Path p : pages.filter(p -> p.getFileName().toString().startsWith(filePrefix)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
