package org.ovshighway.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The agent's management socket: a unix stream socket (mode 0600) where a client writes one
 * command line ({@code links}, {@code help}) and reads the answer until the agent closes the
 * connection. One daemon thread accepts; each client is answered on a virtual thread of its own,
 * so a client that never finishes its line holds up nobody. Answers are small snapshots.
 *
 * <p>A socket file left by an agent that was killed is replaced; one that another agent still
 * listens on is an error naming the path.
 */
public final class ControlSocket implements AutoCloseable {
    /** Name of the thread answering clients. */
    static final String THREAD = "highway-control";
    private static final System.Logger LOG = System.getLogger(ControlSocket.class.getName());
    /** A command line longer than this is refused: the commands are single words. */
    private static final int MAX_REQUEST = 256;

    private final Path path;
    private final Map<String, Supplier<String>> commands;
    private final ServerSocketChannel server;
    private final Thread thread;

    private ControlSocket(Path path, Map<String, Supplier<String>> commands, ServerSocketChannel server) {
        this.path = path;
        this.commands = commands;
        this.server = server;
        this.thread = Thread.ofPlatform().name(THREAD).daemon().unstarted(this::serve);
    }

    /**
     * Listens on {@code path} and answers {@code commands} (name to answer); {@code help} is added.
     *
     * @throws IOException naming the path when it cannot listen or another agent does
     */
    static ControlSocket open(Path path, Map<String, Supplier<String>> commands) throws IOException {
        if (Files.exists(path)) {
            if (answers(path)) {
                throw new IOException("another agent listens on control socket path=" + path);
            }
            Files.delete(path);
        }
        Map<String, Supplier<String>> all = new TreeMap<>(commands);
        all.put("help", () -> "commands: " + String.join(" ", all.keySet()) + "\n");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on control socket path=" + path + ": " + e, e);
        }
        ControlSocket socket = new ControlSocket(path, Map.copyOf(all), server);
        socket.thread.start();
        LOG.log(System.Logger.Level.INFO, "control socket listening: path=" + path);
        return socket;
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends {@code command} to the agent listening on {@code path} and returns its answer. */
    public static String ask(Path path, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.shutdownOutput();
            return new String(readAll(channel), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("no agent answers on control socket path=" + path + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(SocketChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (channel.read(buffer) >= 0) {
            buffer.flip();
            out.write(buffer.array(), 0, buffer.limit());
            buffer.clear();
        }
        return out.toByteArray();
    }

    private void serve() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "control socket accept failed: path=" + path + " " + e);
                continue;
            }
            // a client that never finishes its line must not hold up the next one
            Thread.ofVirtual().name(THREAD + "-client").start(() -> answer(client));
        }
    }

    private void answer(SocketChannel channel) {
        try (SocketChannel client = channel) {
            String command = readCommand(client);
            Supplier<String> answer = commands.get(command);
            String text;
            try {
                text = answer == null ? "error: unknown command=\"" + command + "\" (try help)\n" : answer.get();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "control command failed: command=" + command, e);
                text = "error: command=" + command + " failed: " + e + "\n";
            }
            ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                client.write(out);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "control client dropped: path=" + path + " " + e);
        }
    }

    private static String readCommand(SocketChannel client) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
        while (in.hasRemaining() && client.read(in) >= 0) {
            int newline = indexOfNewline(in);
            if (newline >= 0) {
                return new String(in.array(), 0, newline, StandardCharsets.US_ASCII).strip();
            }
        }
        return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).strip();
    }

    private static int indexOfNewline(ByteBuffer in) {
        for (int i = 0; i < in.position(); i++) {
            if (in.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Where it listens. */
    Path path() {
        return path;
    }

    /** Stops listening, ends the thread and removes the socket file. */
    @Override
    public void close() {
        try {
            server.close();
            thread.join(5_000);
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "control socket not fully removed: path=" + path + " " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
