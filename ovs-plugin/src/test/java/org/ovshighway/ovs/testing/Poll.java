package org.ovshighway.ovs.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waiting in tests for what a daemon does in its own time. */
public final class Poll {

    private Poll() {
    }

    /** Calls {@code condition} every {@code every} until it holds or {@code within} has passed; whether it held. */
    public static boolean eventually(Duration within, Duration every, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.call()) {
                return true;
            }
            Thread.sleep(every.toMillis());
        }
        return condition.call();
    }
}
