package org.ovshighway.guest.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The affinity calls against the real kernel, on threads of their own (the test runner's keep theirs). */
class CpuAffinityTest {

    private static <T> T onThread(ThrowingSupplier<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                result.set(body.get());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    @Test
    void aThreadPinnedToOneCpuCanTakeTheProcessCpusBack() throws Exception {
        BitSet process = CpuAffinity.process();
        assertFalse(process.isEmpty(), "the process may run somewhere");
        int first = process.nextSetBit(0);
        BitSet[] seen = onThread(() -> {
            BitSet one = new BitSet();
            one.set(first);
            CpuAffinity.setCurrentThread(one);
            BitSet pinned = CpuAffinity.currentThread();
            CpuAffinity.setCurrentThread(CpuAffinity.process());
            return new BitSet[] {pinned, CpuAffinity.currentThread()};
        });
        assertEquals(1, seen[0].cardinality(), "pinned: " + seen[0]);
        assertTrue(seen[0].get(first));
        assertEquals(process, seen[1], "back on the process's CPUs");
    }

    @Test
    void badMasksAreRefusedWithTheReason() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> CpuAffinity.setCurrentThread(new BitSet()));
        BitSet beyond = new BitSet();
        beyond.set(CpuAffinity.MASK_BYTES * 8);
        assertThrows(IllegalArgumentException.class, () -> CpuAffinity.setCurrentThread(beyond));
        BitSet absent = new BitSet();
        absent.set(CpuAffinity.MASK_BYTES * 8 - 1);   // a CPU this machine does not have
        NativeCallException e = onThread(() -> assertThrows(NativeCallException.class,
                () -> CpuAffinity.setCurrentThread(absent)));
        assertEquals("sched_setaffinity", e.function());
        assertEquals(22, e.errno(), "EINVAL");
    }
}
