package org.ovshighway.agent;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** Runs a body on a new platform thread, so that what it does to its own thread leaves the test's alone. */
final class FreshThread {
    private FreshThread() {
    }

    /** {@code body}'s result, or its exception, from a thread of its own. */
    static <T> T call(Callable<T> body) throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                result.set(body.call());
            } catch (Exception e) {
                result.set(e);
            }
        });
        t.join();
        if (result.get() instanceof Exception e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T value = (T) result.get();
        return value;
    }
}
