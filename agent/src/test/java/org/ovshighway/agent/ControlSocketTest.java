package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlSocketTest {
    @TempDir
    Path dir;

    @Test
    void answersCommandsAndNamesUnknownOnes() throws Exception {
        Path path = dir.resolve("highway.ctl");
        try (ControlSocket socket = ControlSocket.open(path, Map.of("links", () -> "a -> b\n"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            assertEquals("a -> b\n", ControlSocket.ask(path, "links"));
            assertEquals("commands: help links\n", ControlSocket.ask(path, "help"));
            assertEquals("error: unknown command=\"nope\" (try help)\n", ControlSocket.ask(path, "nope"));
        }
        assertFalse(Files.exists(path));
        IOException gone = assertThrows(IOException.class, () -> ControlSocket.ask(path, "links"));
        assertTrue(gone.getMessage().contains("path=" + path), gone.getMessage());
    }

    @Test
    void aClientThatNeverFinishesItsLineHoldsUpNobody() throws Exception {
        Path path = dir.resolve("highway.ctl");
        try (ControlSocket socket = ControlSocket.open(path, Map.of("links", () -> "ok\n"));
             SocketChannel silent = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            assertTrue(silent.isConnected());
            assertEquals("ok\n", ControlSocket.ask(path, "links"));
        }
    }

    @Test
    void replacesTheSocketOfAKilledAgentButNotALiveOne() throws Exception {
        Path path = dir.resolve("highway.ctl");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(path));
        dead.close(); // the file stays, nobody listens: what a killed agent leaves
        assertTrue(Files.exists(path));
        try (ControlSocket socket = ControlSocket.open(path, Map.of("links", () -> "ok\n"))) {
            assertEquals("ok\n", ControlSocket.ask(path, "links"));
            IOException twice = assertThrows(IOException.class, () -> ControlSocket.open(path, Map.of()));
            assertTrue(twice.getMessage().contains("another agent listens on control socket path=" + path),
                    twice.getMessage());
            assertEquals("ok\n", ControlSocket.ask(path, "links"), "the live one keeps answering");
        }
    }
}
