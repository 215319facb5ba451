package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ovshighway.ovs.testing.PrivateOvs;

/**
 * SIGTERM while {@code highway attach} is still starting: the JVM must not end between the change
 * of the bridge's controllers and the proxy's shutdown hook, which would leave the bridge pointing
 * at a proxy that is gone. The window is held open by pausing ovsdb-server (SIGSTOP) before the
 * command starts: its first OVSDB request waits until the server goes on.
 */
class AttachStopWhileStartingOvsTest {
    private static final String CONTROLLER = "tcp:127.0.0.1:6653";

    @Test
    void aStopAskedForDuringTheStartLeavesTheControllersAsTheyWere() throws Exception {
        assumeTrue(PrivateOvs.isRoot(), "a private OVS needs root");
        try (PrivateOvs ovs = PrivateOvs.start("br0")) {
            ovs.vsctl("set-controller", "br0", CONTROLLER);
            String before = ovs.vsctl("get-controller", "br0").strip();
            String ovsdbPid = Files.readString(ovs.runDir().resolve("ovsdb-server.pid")).strip();
            signal("-STOP", ovsdbPid);
            String output;
            try (HighwayAgentProcess attach = HighwayAgentProcess.launchCommand(List.of("attach", "--bridge", "br0",
                    "--ovsdb", "unix:" + ovs.runDir().resolve("db.sock")), ovs.runDir().resolve("attach.log"),
                    Map.of("OVS_RUNDIR", ovs.runDir().toString()))) {
                // the JVM has started and is past its class loading when it blocks on the paused server
                Thread.sleep(4000);
                attach.terminate();
                Thread.sleep(1000);
                assertTrue(attach.isAlive(), "attach waits for its start before it stops; output:\n" + attach.output());
                signal("-CONT", ovsdbPid);
                assertEquals(143, attach.awaitExit(Duration.ofSeconds(60)), "exit status after SIGTERM; output:\n"
                        + attach.output());
                output = attach.output();
            } finally {
                signal("-CONT", ovsdbPid);
            }
            assertTrue(output.contains("detached: bridge=br0 controllers=[" + CONTROLLER + "]"), output);
            assertEquals(before, ovs.vsctl("get-controller", "br0").strip(), "controllers restored; output:\n" + output);
        }
    }

    private static void signal(String signal, String pid) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, pid).redirectErrorStream(true).start();
        assertEquals(0, kill.waitFor(), "kill " + signal + " " + pid + ": " + new String(kill.getInputStream().readAllBytes()));
    }
}
