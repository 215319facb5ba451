package org.ovshighway.proxy;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import java.time.Duration;

/**
 * An event loop's choice between blocking in {@code epoll_wait} and polling without blocking: it polls
 * for up to a bounded window each time the loop comes back from work, then blocks as Netty's default does.
 *
 * <p>Why: a relayed request/reply pair (a BARRIER and its reply) otherwise costs the proxy two
 * wake-ups of a sleeping thread, one per direction, each several microseconds on a VM, on top of the
 * two loopback hops. A controller that is in the middle of a conversation sends its next message, and
 * the switch its reply, within tens of microseconds; polling through that window catches both without a
 * wake-up. An idle proxy pays one window per wake-up and then sleeps, so the CPU cost is bounded by the
 * message rate times the window.
 *
 * <p>Each poll that finds nothing yields the CPU ({@code sched_yield}) so the spinning loop gives way
 * to the switch and the controller when they share its core, which is when their replies would
 * otherwise wait behind it.
 *
 * <p>Tasks submitted from other threads while the loop polls (a hold released by the agent) are seen
 * when the window ends or the next I/O event arrives, so they wait at most one window: Netty skips the
 * event-fd wake-up while its loop is awake.
 */
final class BusyPollSelectStrategy implements SelectStrategy {

    /** Longest window accepted: beyond it, polling costs a core for no latency anyone measures. */
    static final Duration MAX_WINDOW = Duration.ofMillis(10);

    private final long windowNanos;

    private BusyPollSelectStrategy(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /**
     * One strategy per event loop ({@link SelectStrategy} instances keep no shared state, but the
     * factory is called once per loop either way).
     *
     * @param window how long to poll before blocking; zero blocks at once (Netty's default behaviour)
     * @throws IllegalArgumentException when the window is negative or longer than {@link #MAX_WINDOW}
     */
    static SelectStrategyFactory factory(Duration window) {
        long nanos = checkedWindow(window).toNanos();
        return () -> new BusyPollSelectStrategy(nanos);
    }

    static Duration checkedWindow(Duration window) {
        if (window.isNegative() || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("busy-poll window out of range 0.." + MAX_WINDOW.toNanos() / 1000
                    + " us: window_us=" + window.toNanos() / 1000);
        }
        return window;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (hasTasks) {
            // Netty's contract: with tasks queued, look at I/O without blocking and then run them.
            return selectNow.get();
        }
        if (windowNanos == 0) {
            return SelectStrategy.SELECT;
        }
        long start = System.nanoTime();
        do {
            int ready = selectNow.get();
            if (ready > 0) {
                return ready;
            }
            Thread.yield();
        } while (System.nanoTime() - start < windowNanos);
        return SelectStrategy.SELECT;
    }
}
