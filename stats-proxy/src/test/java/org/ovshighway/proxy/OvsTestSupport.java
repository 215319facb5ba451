package org.ovshighway.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.ovshighway.ovs.testing.Poll;

/** Small helpers of the tests that run against a real, private OVS. */
final class OvsTestSupport {

    private OvsTestSupport() {
    }

    static InetSocketAddress anyLoopbackPort() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    /** A TCP port that was free a moment ago (for peers that must be told a port, like ovs-testcontroller). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Polls {@code condition} every 100 ms for at most {@code seconds}; returns whether it came true. */
    static boolean eventually(int seconds, Callable<Boolean> condition) throws Exception {
        return Poll.eventually(Duration.ofSeconds(seconds), Duration.ofMillis(100), condition);
    }

    /** Removes what changes from one dump to the next: flow and port durations, flow ages. */
    static String withoutDurations(String dump) {
        return dump.replaceAll("(duration=[0-9.]+s|idle_age=[0-9]+|hard_age=[0-9]+),? ?", "");
    }
}
