package org.ovshighway.agent;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A java.util.logging handler that hands each record to a writer thread of its own, which passes
 * it to the handlers it wraps (formatting and writing happen there). The agent's control threads
 * (flow monitor, bypass controller, link supervisor) log a few lines on every link they establish;
 * formatted and written on those threads, each line cost about a millisecond of a link's
 * establishment while that code ran cold (docs/benchmarks.md, bypass).
 *
 * <p>Records keep their order and their timestamps (taken when the record was made, on the
 * logging thread). None is dropped: a full queue makes the logging thread wait for room, and
 * after {@link #close} records go to the wrapped handlers directly. The source class and method
 * (the formatter's {@code %2$s}) are not inferred: the writer thread cannot see the caller's
 * stack, so a format that prints them shows the logger name instead (also for a record made with
 * an explicit source).
 */
final class AsyncLogHandler extends Handler {
    static final String THREAD = "highway-log-writer";
    /**
     * The writer's nice value: it only formats and writes what other threads logged, so it waits
     * behind them; a link's establishment or revert logs a burst of lines, and the writer then
     * no longer takes a core from a polling guest or OVS's PMD thread at that moment.
     */
    static final int WRITER_NICE = 10;
    /** Records waiting at most; a burst beyond this makes loggers wait (never drops). */
    static final int CAPACITY = 4096;
    /** Longest wait of {@link #flush} for the writer to catch up. */
    private static final long FLUSH_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final List<Handler> targets;
    private final ArrayBlockingQueue<LogRecord> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Thread writer;
    /** Records queued, and records the writer delivered (both only grow; delivered <= queued). */
    private long queued;
    private volatile long delivered;
    private volatile boolean closed;

    /** Wraps {@code targets}; they are used only by the writer thread (and by callers after close). */
    AsyncLogHandler(List<Handler> targets) {
        this.targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
        setLevel(Level.ALL);
        this.writer = Thread.ofPlatform().name(THREAD).daemon().start(this::drain);
    }

    /**
     * Replaces the root logger's handlers by one AsyncLogHandler that wraps them; returns it.
     * Loggers that have handlers of their own keep them as they are.
     */
    static AsyncLogHandler installOnRootLogger() {
        Logger root = Logger.getLogger("");
        Handler[] current = root.getHandlers();
        AsyncLogHandler async = new AsyncLogHandler(List.of(current));
        for (Handler handler : current) {
            root.removeHandler(handler);
        }
        root.addHandler(async);
        return async;
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null || !isLoggable(record)) {
            return;
        }
        if (closed) {
            deliver(record);
            return;
        }
        synchronized (this) {
            try {
                queue.put(record);
                queued++;
            } catch (InterruptedException e) {
                // the caller is being stopped: write it here rather than lose it (may overtake queued ones)
                Thread.currentThread().interrupt();
                deliver(record);
            }
        }
    }

    private void drain() {
        try {
            ThreadNice.setCallingThread(WRITER_NICE);
        } catch (RuntimeException | LinkageError e) {
            // not logged through this handler (its own writer would wait on itself): stderr, once
            System.err.println(THREAD + " keeps the default priority: " + e.getMessage());
        }
        while (true) {
            LogRecord record;
            try {
                record = closed ? queue.poll() : queue.take();
            } catch (InterruptedException e) {
                continue;   // close() interrupts: look at closed again
            }
            if (record == null) {
                return;     // closed, and everything queued before was written
            }
            // the logger name as the source, as the class comment says: a formatter asks for the
            // source even when its format does not print it, and asked here the record would walk
            // this thread's stack, which is not the caller's
            record.setSourceClassName(record.getLoggerName());
            record.setSourceMethodName(null);
            deliver(record);
            delivered++;
            if (queue.isEmpty()) {
                flushTargets();
            }
        }
    }

    private void deliver(LogRecord record) {
        for (Handler target : targets) {
            target.publish(record);
        }
    }

    private void flushTargets() {
        for (Handler target : targets) {
            target.flush();
        }
    }

    /** Waits (at most a few seconds) until every record published before this call was written, then flushes. */
    @Override
    public void flush() {
        long wanted;
        synchronized (this) {
            wanted = queued;
        }
        long deadline = System.nanoTime() + FLUSH_WAIT_NANOS;
        while (delivered < wanted && writer.isAlive() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(100_000);
        }
        flushTargets();
    }

    /** Writes what is queued, stops the writer thread and closes the wrapped handlers. */
    @Override
    public void close() {
        flush();
        closed = true;
        writer.interrupt();
        try {
            writer.join(TimeUnit.NANOSECONDS.toMillis(FLUSH_WAIT_NANOS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Handler target : targets) {
            target.close();
        }
    }
}
