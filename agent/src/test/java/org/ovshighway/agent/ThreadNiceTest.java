package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** setpriority on the calling thread only, read back from /proc. */
class ThreadNiceTest {

    @Test
    void aHigherNiceValueAppliesToTheCallingThreadAlone() throws Exception {
        int before = TaskStat.ofCallingThread().nice();
        assertEquals(7, FreshThread.call(() -> {
            ThreadNice.setCallingThread(7);
            return TaskStat.ofCallingThread().nice();
        }));
        assertEquals(before, TaskStat.ofCallingThread().nice(), "the caller's own thread is untouched");
    }

    @Test
    void aLowerNiceValueAsRoot() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "lowering a nice value needs root");
        assertEquals(-10, FreshThread.call(() -> {
            ThreadNice.setCallingThread(-10);
            return TaskStat.ofCallingThread().nice();
        }));
    }

    @Test
    void valuesOutsideTheKernelsRangeAreRefusedBeforeTheCall() {
        assertThrows(IllegalArgumentException.class, () -> ThreadNice.setCallingThread(20));
        assertThrows(IllegalArgumentException.class, () -> ThreadNice.setCallingThread(-21));
    }
}
