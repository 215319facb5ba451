package org.ovshighway.guest.remap;

import java.util.BitSet;
import java.util.concurrent.LinkedBlockingQueue;
import org.ovshighway.guest.mapping.CpuAffinity;
import org.ovshighway.guest.mapping.NativeCallException;

/**
 * The thread that maps link regions for every port of this JVM, so that a port's data-path
 * threads keep sending and receiving on the old path while a link is being mapped and validated
 * (hundreds of microseconds of CPU, milliseconds of wall time on a busy core) instead of stopping
 * for it. One daemon thread, started on first use; the tasks are {@link PortRemap}'s, each
 * coalesced per port.
 *
 * <p>Off by default; {@code -Dorg.ovshighway.guest.mapOffDataPath=true} turns it on. It pays where
 * the mapper finds a CPU the data path does not keep busy: on a core shared with spinning threads
 * (the 2-core benchmark machine) the mapping took longer to get its CPU time than on the burst,
 * and establishment became slower while the receiver's pause became shorter (docs/benchmarks.md).
 *
 * <p>The thread starts from the burst that first needs it and would inherit that data-path
 * thread's CPU pinning; it takes the process's CPUs instead (the main thread's mask), so that a VNF
 * that pins its data-path threads to cores of their own keeps the mapping off them.
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
        return Boolean.parseBoolean(System.getProperty(PROPERTY, "false"));
    }

    private static void followProcessCpus() {
        try {
            BitSet inherited = CpuAffinity.currentThread();
            BitSet process = CpuAffinity.process();
            if (!process.equals(inherited) && !process.isEmpty()) {
                CpuAffinity.setCurrentThread(process);
                LOG.log(System.Logger.Level.DEBUG, () -> "link mapper runs on the process's cpus=" + process
                        + " instead of the inherited cpus=" + inherited);
            }
        } catch (NativeCallException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "link mapper keeps the CPUs it inherited: " + e.getMessage());
        }
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
        followProcessCpus();
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
