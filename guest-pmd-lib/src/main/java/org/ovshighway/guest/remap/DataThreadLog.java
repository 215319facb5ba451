package org.ovshighway.guest.remap;

import java.util.Objects;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.ovshighway.guest.mapping.NativeCallException;
import org.ovshighway.guest.mapping.ThreadNice;

/**
 * A {@link System.Logger} for code that runs on an application's poll-mode thread: the caller
 * only builds the message (its values are the caller's, taken now) and queues it; one daemon
 * thread per JVM ({@value #WRITER_NAME}) hands it to the real logger in order.
 *
 * <p>Why: a log line through {@code java.util.logging} (the default backend) infers its caller by
 * walking the stack, formats a date and writes and flushes the console. The remap protocol logs at
 * every link transition, so that code runs a few times a minute and stays cold: measured on a
 * loaded core it held the sender's data thread for up to 10 ms right after it left a link, so the
 * receiver saw nothing for that long (docs/benchmarks.md, "The pause back onto OVS at a revert").
 *
 * <p>The writer runs at nice {@value #WRITER_NICE}. Written by another thread, a line's source (the
 * formatter's class and method) is not the caller's: the messages name the port and the event.
 *
 * <p>The queue holds at most {@value #CAPACITY} lines; beyond that a line is dropped and counted,
 * and the next line written says how many were. A closing port writes what is queued
 * ({@link #flush}); a shutdown hook writes what is still queued at exit.
 */
final class DataThreadLog implements System.Logger {
    static final String WRITER_NAME = "highway-guest-log";
    static final int CAPACITY = 1024;
    /**
     * The writer's nice value: behind the application's poll-mode threads in the run queue, so
     * writing the lines of a link transition does not take their core at that moment.
     */
    static final int WRITER_NICE = 10;

    private static final ConcurrentLinkedQueue<Line> QUEUE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger QUEUED = new AtomicInteger();
    private static final AtomicLong DROPPED = new AtomicLong();
    private static final Thread WRITER = startWriter();

    private final System.Logger delegate;

    private DataThreadLog(System.Logger delegate) {
        this.delegate = delegate;
    }

    /** The logger named {@code name}, written off the calling thread. */
    static System.Logger named(String name) {
        return wrapping(System.getLogger(name));
    }

    /** {@code delegate}, written off the calling thread. */
    static System.Logger wrapping(System.Logger delegate) {
        return new DataThreadLog(Objects.requireNonNull(delegate, "delegate"));
    }

    private record Line(System.Logger logger, Level level, String message, Throwable thrown) {
    }

    @Override
    public String getName() {
        return delegate.getName();
    }

    @Override
    public boolean isLoggable(Level level) {
        return delegate.isLoggable(level);
    }

    @Override
    public void log(Level level, Supplier<String> message) {
        if (delegate.isLoggable(level)) {
            queue(level, message.get(), null);
        }
    }

    @Override
    public void log(Level level, Supplier<String> message, Throwable thrown) {
        if (delegate.isLoggable(level)) {
            queue(level, message.get(), thrown);
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
        if (delegate.isLoggable(level)) {
            queue(level, message, thrown);
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (delegate.isLoggable(level)) {
            queue(level, params == null || params.length == 0 ? format
                    : java.text.MessageFormat.format(format, params), null);
        }
    }

    private void queue(Level level, String message, Throwable thrown) {
        if (QUEUED.incrementAndGet() > CAPACITY) {
            QUEUED.decrementAndGet();
            DROPPED.incrementAndGet();
            return;
        }
        QUEUE.add(new Line(delegate, level, Objects.requireNonNullElse(message, "null"), thrown));
        LockSupport.unpark(WRITER);
    }

    private static Thread startWriter() {
        Thread writer = Thread.ofPlatform().daemon().name(WRITER_NAME).unstarted(() -> {
            try {
                ThreadNice.setCallingThread(WRITER_NICE);
            } catch (NativeCallException | RuntimeException | LinkageError e) {
                // not through the queue: this thread is the one that would write it
                System.err.println(WRITER_NAME + " keeps the default priority: " + e.getMessage());
            }
            while (true) {
                writeQueued();
                LockSupport.park();
            }
        });
        writer.start();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(DataThreadLog::writeQueued));
        return writer;
    }

    /**
     * Writes every line queued so far on the calling thread, after what the writer is writing: a
     * closing port's last lines are out when its close returns, rather than left to the shutdown
     * hook, which may run after the logging backend's own hook has closed its handlers. Not for a
     * poll-mode thread.
     */
    static void flush() {
        writeQueued();
    }

    /** Writes every queued line, oldest first (the writer thread, {@link #flush}, or the shutdown hook at exit). */
    private static synchronized void writeQueued() {
        for (Line line = QUEUE.poll(); line != null; line = QUEUE.poll()) {
            QUEUED.decrementAndGet();
            long dropped = DROPPED.getAndSet(0);
            if (dropped != 0) {
                line.logger().log(Level.WARNING, "dropped " + dropped + " log lines: more than " + CAPACITY
                        + " were waiting to be written");
            }
            try {
                if (line.thrown() == null) {
                    line.logger().log(line.level(), line.message());
                } else {
                    line.logger().log(line.level(), line.message(), line.thrown());
                }
            } catch (RuntimeException e) {
                // a failing handler must not end the writer: the lines after this one still count
                System.err.println(WRITER_NAME + ": cannot write a log line: " + e);
            }
        }
    }
}
