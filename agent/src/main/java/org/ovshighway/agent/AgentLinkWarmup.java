package org.ovshighway.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ovshighway.hotplug.LocalRegionAttacher;
import org.ovshighway.remapper.LinkWarmup;

/**
 * At agent start, {@link LinkWarmup} on a daemon thread of its own: scratch ports and scratch links
 * in a private directory under /dev/shm, published to two scratch sysfs-shaped roots there (the
 * path process guests' links take), its log lines dropped ({@link ThreadLogMute}). Real links may
 * be established meanwhile: they share only code with it. One summary line at the end.
 */
final class AgentLinkWarmup {
    static final String THREAD = "highway-link-warmup";
    private static final System.Logger LOG = System.getLogger(AgentLinkWarmup.class.getName());
    private static final Path SCRATCH_PARENT = Path.of("/dev/shm");
    /** Scratch directories are {@code highway-warmup-PID-RANDOM}: an agent killed mid-warm-up leaves its own. */
    static final String PREFIX = "highway-warmup-";
    private static final Pattern SCRATCH_NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+");

    private AgentLinkWarmup() {
    }

    /** Starts {@code cycles} scratch cycles; returns the thread (interrupt it to stop early). */
    static Thread start(int cycles) {
        Thread thread = Thread.ofPlatform().name(THREAD).daemon().unstarted(() -> run(cycles));
        thread.start();
        return thread;
    }

    /** Runs the cycles on this thread; returns how many completed. */
    static int run(int cycles) {
        long started = System.nanoTime();
        int done = 0;
        Path scratch = null;
        Path parent = Files.isDirectory(SCRATCH_PARENT) ? SCRATCH_PARENT : Path.of(System.getProperty("java.io.tmpdir"));
        int orphans = deleteOrphans(parent);
        if (orphans > 0) {
            LOG.log(System.Logger.Level.INFO, "deleted " + orphans + " link warm-up scratch director"
                    + (orphans == 1 ? "y" : "ies") + " of agents that no longer run, in " + parent);
        }
        try (ThreadLogMute muted = ThreadLogMute.mute(Thread.currentThread())) {
            scratch = Files.createTempDirectory(parent, PREFIX + ProcessHandle.current().pid() + "-");
            Path root0 = Files.createDirectory(scratch.resolve("guest-0-sysfs"));
            Path root1 = Files.createDirectory(scratch.resolve("guest-1-sysfs"));
            LocalRegionAttacher attacher = new LocalRegionAttacher().guest("warmup-guest-0", root0)
                    .guest("warmup-guest-1", root1);
            done = LinkWarmup.run(scratch, attacher, "warmup-guest-0", "warmup-guest-1", cycles);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "link warm-up not run: " + e);
            return done;
        }
        int completed = done;
        Path dir = scratch;
        LOG.log(System.Logger.Level.INFO, () -> "link warm-up: " + completed + " of " + cycles + " scratch links established"
                + " and reverted in " + (System.nanoTime() - started) / 1_000_000 + " ms (scratch " + dir + ", removed)");
        return done;
    }

    /**
     * Deletes the scratch directories in {@code parent} whose agent no longer runs (its pid is in
     * the name); returns how many. Failures are logged, not thrown: a leftover costs disk, not
     * correctness.
     */
    static int deleteOrphans(Path parent) {
        int deleted = 0;
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path dir : entries.toList()) {
                Matcher m = SCRATCH_NAME.matcher(dir.getFileName().toString());
                if (!m.matches() || ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                try (Stream<Path> tree = Files.walk(dir)) {
                    for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                    deleted++;
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot delete link warm-up scratch of an agent that no longer"
                            + " runs: path=" + dir + " error=" + e);
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot look for link warm-up scratch left in " + parent + ": " + e);
        }
        return deleted;
    }
}
