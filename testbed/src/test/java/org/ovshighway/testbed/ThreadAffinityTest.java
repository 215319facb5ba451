package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** Real sched_setaffinity against the kernel; the result is read back from /proc. */
class ThreadAffinityTest {
    @Test
    void pinnedThreadReportsThatCpuOnly() throws Exception {
        AtomicReference<String> allowed = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            ThreadAffinity.pinCurrentThread(0);
            try {
                // /proc/thread-self is the calling thread's own status
                allowed.set(Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                        .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        thread.start();
        thread.join();
        assertEquals("0", allowed.get().substring("Cpus_allowed_list:".length()).trim());
    }

    @Test
    void offlineCpuFailsWithErrno() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SchedSetaffinity.pinCallingThread(1000));
        assertTrue(e.getMessage().contains("cpu=1000") && e.getMessage().contains("errno=22"), e.getMessage());
    }
}
