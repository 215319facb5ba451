package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** sched_setscheduler on the calling thread only, read back from /proc. */
class ThreadRealtimeTest {

    @Test
    void fifoAppliesToTheCallingThreadAloneAndNotToTheThreadsItStarts() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "a real-time policy needs root");
        ThreadRealtime.Policy before = ThreadRealtime.Policy.ofCallingThread();
        ThreadRealtime.Policy[] seen = FreshThread.call(() -> {
            ThreadRealtime.setCallingThread(7);
            ThreadRealtime.Policy self = ThreadRealtime.Policy.ofCallingThread();
            // SCHED_RESET_ON_FORK: a thread started from here begins at the normal policy
            ThreadRealtime.Policy child = FreshThread.call(ThreadRealtime.Policy::ofCallingThread);
            return new ThreadRealtime.Policy[] {self, child};
        });
        assertEquals(new ThreadRealtime.Policy(ThreadRealtime.SCHED_FIFO, 7), seen[0]);
        assertEquals(new ThreadRealtime.Policy(ThreadRealtime.SCHED_OTHER, 0), seen[1], "started by the FIFO thread");
        assertEquals(before, ThreadRealtime.Policy.ofCallingThread(), "the caller's own thread is untouched");
    }

    @Test
    void prioritiesOutsideTheKernelsRangeAreRefusedBeforeTheCall() {
        assertThrows(IllegalArgumentException.class, () -> ThreadRealtime.setCallingThread(0));
        assertThrows(IllegalArgumentException.class, () -> ThreadRealtime.setCallingThread(100));
    }
}
