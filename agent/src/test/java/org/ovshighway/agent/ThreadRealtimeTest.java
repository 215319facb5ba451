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
        TaskStat before = TaskStat.ofCallingThread();
        TaskStat[] seen = FreshThread.call(() -> {
            ThreadRealtime.setCallingThread(7);
            TaskStat self = TaskStat.ofCallingThread();
            // SCHED_RESET_ON_FORK: a thread started from here begins at the normal policy
            TaskStat child = FreshThread.call(TaskStat::ofCallingThread);
            return new TaskStat[] {self, child};
        });
        assertEquals(ThreadRealtime.SCHED_FIFO, seen[0].policy());
        assertEquals(7, seen[0].realtimePriority());
        assertEquals(TaskStat.SCHED_OTHER, seen[1].policy(), "started by the FIFO thread");
        assertEquals(0, seen[1].realtimePriority(), "started by the FIFO thread");
        assertEquals(before, TaskStat.ofCallingThread(), "the caller's own thread is untouched");
    }

    @Test
    void prioritiesOutsideTheKernelsRangeAreRefusedBeforeTheCall() {
        assertThrows(IllegalArgumentException.class, () -> ThreadRealtime.setCallingThread(0));
        assertThrows(IllegalArgumentException.class, () -> ThreadRealtime.setCallingThread(100));
    }
}
