package org.ovshighway.guest.remap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DataThreadLogTest {

    /** A logger backend that records what it is given, and on which thread; can hold the writer. */
    private static final class Recorder implements System.Logger {
        final Level lowest;
        final List<String> lines = new ArrayList<>();
        final List<String> threads = new ArrayList<>();
        volatile int writerNice = Integer.MIN_VALUE;
        volatile CountDownLatch entered;
        volatile CountDownLatch release;

        Recorder(Level lowest) {
            this.lowest = lowest;
        }

        @Override
        public String getName() {
            return "recorder";
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.getSeverity() >= lowest.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            if (writerNice == Integer.MIN_VALUE) {
                writerNice = niceOfCallingThread();
            }
            synchronized (this) {
                lines.add(level + " " + message);
                threads.add(Thread.currentThread().getName());
            }
            CountDownLatch e = entered;
            CountDownLatch g = release;
            if (e != null && g != null) {
                entered = null;
                e.countDown();
                try {
                    g.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            log(level, bundle, java.text.MessageFormat.format(format, params), (Throwable) null);
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }

        synchronized List<String> threads() {
            return List.copyOf(threads);
        }
    }

    /** Field 19 of /proc/thread-self/stat (after the parenthesised name, which may hold spaces). */
    private static int niceOfCallingThread() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Integer.parseInt(fields[16]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitLines(Recorder recorder, int count) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (recorder.lines().size() < count && System.nanoTime() - until < 0) {
            Thread.sleep(1);
        }
        assertEquals(count, recorder.lines().size(), recorder.lines().toString());
    }

    @Test
    void linesAreWrittenInOrderByTheWriterThreadWithTheCallersValues() throws InterruptedException {
        Recorder recorder = new Recorder(System.Logger.Level.ALL);
        System.Logger log = DataThreadLog.wrapping(recorder);
        int[] value = {0};
        for (int i = 0; i < 100; i++) {
            value[0] = i;
            log.log(System.Logger.Level.INFO, () -> "line " + value[0]);
        }
        value[0] = -1;
        awaitLines(recorder, 100);
        for (int i = 0; i < 100; i++) {
            assertEquals("INFO line " + i, recorder.lines().get(i), "the value when logged, in order");
        }
        assertTrue(recorder.threads().stream().allMatch(DataThreadLog.WRITER_NAME::equals), recorder.threads().toString());
        assertEquals(DataThreadLog.WRITER_NICE, recorder.writerNice, "the writer waits behind the poll-mode threads");
    }

    @Test
    void flushWritesEverythingQueuedBeforeItReturns() {
        Recorder recorder = new Recorder(System.Logger.Level.ALL);
        System.Logger log = DataThreadLog.wrapping(recorder);
        for (int i = 0; i < 50; i++) {
            log.log(System.Logger.Level.INFO, "line " + i);
        }
        DataThreadLog.flush();
        List<String> written = recorder.lines();
        assertEquals(50, written.size(), "written when flush returned: " + written);
        for (int i = 0; i < 50; i++) {
            assertEquals("INFO line " + i, written.get(i), "in order, whichever thread wrote it");
        }
    }

    @Test
    void aLevelTheLoggerDoesNotWriteIsNotEvenBuilt() throws InterruptedException {
        Recorder recorder = new Recorder(System.Logger.Level.WARNING);
        System.Logger log = DataThreadLog.wrapping(recorder);
        log.log(System.Logger.Level.DEBUG, () -> {
            throw new AssertionError("a DEBUG message built for a logger at WARNING");
        });
        log.log(System.Logger.Level.WARNING, "written");
        awaitLines(recorder, 1);
        assertEquals("WARNING written", recorder.lines().getFirst());
    }

    @Test
    void beyondTheCapacityLinesAreDroppedAndTheNextLineWrittenSaysHowMany() throws InterruptedException {
        Recorder recorder = new Recorder(System.Logger.Level.ALL);
        System.Logger log = DataThreadLog.wrapping(recorder);
        CountDownLatch entered = new CountDownLatch(1);
        recorder.release = new CountDownLatch(1);
        recorder.entered = entered;
        log.log(System.Logger.Level.INFO, "first");
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the writer took the first line");
        // the writer is held in the backend: the queue fills up
        for (int i = 0; i < DataThreadLog.CAPACITY + 7; i++) {
            log.log(System.Logger.Level.INFO, "queued " + i);
        }
        recorder.release.countDown();
        awaitLines(recorder, 2 + DataThreadLog.CAPACITY);
        List<String> lines = recorder.lines();
        assertEquals("INFO first", lines.get(0));
        assertEquals("WARNING dropped 7 log lines: more than " + DataThreadLog.CAPACITY + " were waiting to be written",
                lines.get(1));
        assertEquals("INFO queued 0", lines.get(2));
        assertEquals("INFO queued " + (DataThreadLog.CAPACITY - 1), lines.getLast());
    }
}
