package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifications a {@code Type=notify} service sends, received by socat (standing in for
 * systemd, which does not run here) on a path socket and on an abstract one.
 */
class SystemdNotifyTest {

    @TempDir
    Path dir;

    @Test
    void statesReachAPathSocket() throws Exception {
        Path socket = dir.resolve("notify.sock");
        assertEquals("READY=1\nSTATUS=running", received("UNIX-RECV:" + socket, socket,
                SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", socket.toString())), "READY=1\nSTATUS=running"));
    }

    @Test
    void statesReachAnAbstractSocket() throws Exception {
        String name = "highway-notify-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        assertEquals("STOPPING=1", received("ABSTRACT-RECV:" + name, null,
                SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "@" + name)), "STOPPING=1"));
    }

    @Test
    void withoutASupervisorNothingIsSentAndABadSocketIsOnlyLogged() {
        SystemdNotify none = SystemdNotify.fromEnvironment(Map.of());
        assertFalse(none.enabled());
        assertFalse(none.send("READY=1"));
        assertFalse(SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "")).enabled());
        assertFalse(SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", "relative.sock")).send("READY=1"));
        assertFalse(SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", dir.resolve("nobody.sock").toString()))
                .send("READY=1"), "nobody listening: ECONNREFUSED/ENOENT, logged, not thrown");
    }

    /** What socat, listening at {@code address}, receives when {@code notify} sends {@code state}. */
    private String received(String address, Path socketFile, SystemdNotify notify, String state) throws Exception {
        Path out = dir.resolve("received");
        Process socat = new ProcessBuilder("socat", "-u", address, "OPEN:" + out + ",creat,append")
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        try {
            assertTrue(notify.enabled());
            // socat binds within milliseconds; a send before that is refused, so retry until one lands
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!(socketFile == null || Files.exists(socketFile)) || !notify.send(state)) {
                assertTrue(System.nanoTime() < deadline, "socat never listened: " + Files.readString(dir.resolve("socat.log")));
                Thread.sleep(20);
            }
            while (!Files.exists(out) || Files.size(out) < state.length()) {
                assertTrue(System.nanoTime() < deadline, "nothing received: " + Files.readString(dir.resolve("socat.log")));
                Thread.sleep(20);
            }
            return Files.readString(out);
        } finally {
            socat.destroy();
            socat.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
