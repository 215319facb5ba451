package org.ovshighway.guest.remap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;
import org.ovshighway.guest.mapping.ThreadCpuTime;

/**
 * Runs the code a port runs when it maps a link (map a region file, validate it, make the link's
 * ring objects and fence frames, read the thread's CPU usage) a few hundred times, once per JVM, on a daemon thread of its own,
 * so that the JIT has compiled it before the first ATTACH arrives. A guest maps a link only a few
 * dozen times in its life: without this that code ran interpreted, on the data-path thread, while
 * the link waited for the guest (about a millisecond of CPU per link; docs/benchmarks.md, bypass).
 *
 * <p>It touches nothing shared: the port's own region file is mapped and validated read-only
 * (a mapping of its own, unmapped again), the link region is scratch memory of this thread's.
 * {@code -Dorg.ovshighway.guest.remapWarmup=false} turns it off.
 */
final class RemapWarmup {
    static final String PROPERTY = "org.ovshighway.guest.remapWarmup";
    static final String THREAD = "highway-remap-warmup";
    /** Rounds: past the JIT's first compile threshold (a few hundred calls) for every method involved. */
    static final int ROUNDS = 400;
    private static final System.Logger LOG = System.getLogger(RemapWarmup.class.getName());
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private RemapWarmup() {
    }

    /** Starts the warm-up on the first call in this JVM (unless turned off); later calls do nothing. */
    static void startOnce(Path portPath) {
        if (portPath == null || !Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
                || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread.ofPlatform().name(THREAD).daemon().start(() -> {
            long started = System.nanoTime();
            int done = run(portPath, ROUNDS);
            LOG.log(System.Logger.Level.DEBUG, () -> "remap warm-up: rounds=" + done + " took_ms="
                    + (System.nanoTime() - started) / 1_000_000);
        });
    }

    /**
     * {@code rounds} rounds; returns how many completed (fewer when the port's file cannot be
     * mapped or validated: the warm-up then stops, it is never an error).
     */
    static int run(Path portPath, int rounds) {
        RegionLayout layout = RegionLayout.link(true);
        int done = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scratch = arena.allocate(layout.regionSize(), 64);
            RegionInitializer.initialize(scratch, layout, RegionIdentity.link(1, 1, "warmup-0", "warmup-1"));
            for (int i = 0; i < rounds; i++) {
                ThreadCpuTime.nanos();
                try (MappedRegion port = MappedRegion.map(portPath)) {
                    RegionValidator.validate(port.segment());
                }
                ValidatedRegion link = RegionValidator.validate(scratch);
                int end = link.identity().endOf(i % 2 == 0 ? "warmup-0" : "warmup-1");
                new LinkSession(null, scratch, link, end);
                done++;
            }
        } catch (IOException | RuntimeException e) {
            // RegionFormatException included: the port's file changed under us; nothing to warm any more
            LOG.log(System.Logger.Level.DEBUG, () -> "remap warm-up stopped: path=" + portPath + ": " + e);
        }
        return done;
    }
}
