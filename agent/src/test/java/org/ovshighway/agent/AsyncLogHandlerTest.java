package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class AsyncLogHandlerTest {

    /** Collects what reaches it, and on which thread. */
    private static final class Collecting extends Handler {
        final List<String> messages = Collections.synchronizedList(new ArrayList<>());
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());
        final List<Instant> instants = Collections.synchronizedList(new ArrayList<>());
        final List<String> sources = Collections.synchronizedList(new ArrayList<>());
        /** The writing thread's nice value at the first record. */
        volatile int firstNice = Integer.MIN_VALUE;
        volatile boolean closed;
        volatile int flushes;

        @Override
        public void publish(LogRecord record) {
            messages.add(record.getMessage());
            threads.add(Thread.currentThread().getName());
            instants.add(record.getInstant());
            sources.add(record.getSourceClassName() + " " + record.getSourceMethodName());
            if (firstNice == Integer.MIN_VALUE && AsyncLogHandler.THREAD.equals(Thread.currentThread().getName())) {
                try {
                    firstNice = TaskStat.ofCallingThread().nice();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void deliversEveryRecordInOrderOnTheWriterThreadWithTheLoggersTimestamp() {
        Collecting target = new Collecting();
        AsyncLogHandler async = new AsyncLogHandler(List.of(target));
        List<Instant> made = new ArrayList<>();
        int count = AsyncLogHandler.CAPACITY * 3;   // more than the queue holds: loggers wait, nothing is dropped
        for (int i = 0; i < count; i++) {
            LogRecord record = new LogRecord(Level.INFO, "line " + i);
            made.add(record.getInstant());
            async.publish(record);
        }
        async.flush();
        assertEquals(count, target.messages.size());
        for (int i = 0; i < count; i++) {
            assertEquals("line " + i, target.messages.get(i));
            assertEquals(made.get(i), target.instants.get(i));
        }
        assertTrue(target.threads.stream().allMatch(AsyncLogHandler.THREAD::equals), "written by " + target.threads.get(0));
        assertEquals(AsyncLogHandler.WRITER_NICE, target.firstNice, "the writer waits behind the threads that log");
        assertTrue(target.flushes > 0);
        async.close();
        assertTrue(target.closed);
    }

    @Test
    void theSourceOfARecordIsItsLoggerNotTheWritersStack() {
        Collecting target = new Collecting();
        AsyncLogHandler async = new AsyncLogHandler(List.of(target));
        LogRecord record = new LogRecord(Level.INFO, "line");
        record.setLoggerName("org.ovshighway.agent.Somewhere");
        async.publish(record);
        async.flush();
        assertEquals(List.of("org.ovshighway.agent.Somewhere null"), target.sources);
        async.close();
    }

    @Test
    void closeWritesWhatIsQueuedAndLaterRecordsGoStraightThrough() {
        Collecting target = new Collecting();
        AsyncLogHandler async = new AsyncLogHandler(List.of(target));
        for (int i = 0; i < 100; i++) {
            async.publish(new LogRecord(Level.WARNING, "before " + i));
        }
        async.close();
        assertEquals(100, target.messages.size());
        assertEquals("before 99", target.messages.get(99));
        async.publish(new LogRecord(Level.WARNING, "after close"));
        assertEquals("after close", target.messages.get(100));
        assertEquals(Thread.currentThread().getName(), target.threads.get(100));
    }

    @Test
    void recordsBelowItsLevelAreNotPassedOn() {
        Collecting target = new Collecting();
        AsyncLogHandler async = new AsyncLogHandler(List.of(target));
        async.setLevel(Level.WARNING);
        async.publish(new LogRecord(Level.INFO, "quiet"));
        async.publish(new LogRecord(Level.SEVERE, "loud"));
        async.close();
        assertEquals(List.of("loud"), target.messages);
    }

    @Test
    void installOnRootLoggerWrapsTheRootHandlers() {
        Logger root = Logger.getLogger("");
        Handler[] before = root.getHandlers();
        Collecting target = new Collecting();
        for (Handler h : before) {
            root.removeHandler(h);
        }
        root.addHandler(target);
        try {
            AsyncLogHandler async = AsyncLogHandler.installOnRootLogger();
            assertEquals(1, root.getHandlers().length);
            assertSame(async, root.getHandlers()[0]);
            Logger.getLogger("org.ovshighway.agent.AsyncLogHandlerTest").warning("through the root");
            async.flush();
            assertEquals(List.of("through the root"), target.messages);
            assertNotEquals(Thread.currentThread().getName(), target.threads.get(0));
            root.removeHandler(async);
            async.close();
            assertFalse(List.of(root.getHandlers()).contains(async));
        } finally {
            for (Handler h : root.getHandlers()) {
                root.removeHandler(h);
            }
            for (Handler h : before) {
                root.addHandler(h);
            }
        }
    }
}
