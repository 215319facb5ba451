package org.ovshighway.guest.remap;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * The thread that maps link regions for every port of this JVM, so that a port's data-path
 * threads keep sending and receiving on the old path while a link is being mapped and validated
 * (hundreds of microseconds of CPU, milliseconds of wall time on a busy core) instead of stopping
 * for it. One daemon thread, started on first use; the tasks are {@link PortRemap}'s, each
 * coalesced per port.
 *
 * <p>{@code -Dorg.ovshighway.guest.mapOffDataPath=false} maps on the data-path thread instead: for
 * a guest whose data thread is pinned to a core that the mapper, inheriting that pinning, would
 * share with it while it spins.
 */
final class LinkMapper {
    static final String PROPERTY = "org.ovshighway.guest.mapOffDataPath";
    static final String THREAD = "highway-link-mapper";
    private static final System.Logger LOG = System.getLogger(LinkMapper.class.getName());
    private static final LinkedBlockingQueue<Runnable> TASKS = new LinkedBlockingQueue<>();
    private static volatile boolean started;

    private LinkMapper() {
    }

    /** Whether ports of this JVM map off their data-path threads. */
    static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty(PROPERTY, "true"));
    }

    /** Runs {@code task} on the mapper thread, after the tasks already queued. */
    static void submit(Runnable task) {
        if (!started) {
            startOnce();
        }
        TASKS.add(task);
    }

    private static synchronized void startOnce() {
        if (started) {
            return;
        }
        Thread.ofPlatform().name(THREAD).daemon().start(LinkMapper::loop);
        started = true;
    }

    private static void loop() {
        while (true) {
            Runnable task;
            try {
                task = TASKS.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "link mapping task failed: " + e, e);
            }
        }
    }
}
