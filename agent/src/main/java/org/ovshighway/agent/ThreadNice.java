package org.ovshighway.agent;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The nice value of the calling thread alone: Linux applies {@code setpriority(PRIO_PROCESS, tid)}
 * to the one thread {@code tid} names, so the agent can give the few threads a link's
 * establishment and revert wait for a better place in the run queue than its other threads (the
 * start-up warm-up, logging, the control socket).
 */
final class ThreadNice {
    /** Nice values Linux accepts. */
    static final int MIN = -20;
    static final int MAX = 19;
    private static final int PRIO_PROCESS = 0;
    private static final int EACCES = 13;
    private static final int EPERM = 1;

    private ThreadNice() {
    }

    /** {@code pid_t gettid(void);} (glibc 2.30+): the calling thread's kernel id. */
    private static final class GetTid {
        static final MethodHandle HANDLE = Libc.downcall("gettid", FunctionDescriptor.of(ValueLayout.JAVA_INT), false);
    }

    /** {@code int setpriority(int which, id_t who, int prio);} errno captured. */
    private static final class SetPriority {
        static final MethodHandle HANDLE = Libc.downcall("setpriority",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                true);
    }

    /**
     * Sets the calling thread's nice value.
     *
     * @throws IllegalArgumentException when {@code nice} is outside {@value #MIN}..{@value #MAX}
     * @throws IllegalStateException naming the thread, the value and errno when the kernel refuses
     *                               (EACCES/EPERM: lowering it needs root or CAP_SYS_NICE)
     */
    static void setCallingThread(int nice) {
        if (nice < MIN || nice > MAX) {
            throw new IllegalArgumentException("nice out of range " + MIN + ".." + MAX + ": nice=" + nice);
        }
        int tid;
        try {
            tid = (int) GetTid.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("gettid call failed: thread=" + Thread.currentThread().getName(), t);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.callState(arena);
            int rc = (int) SetPriority.HANDLE.invokeExact(callState, PRIO_PROCESS, tid, nice);
            if (rc != 0) {
                int errno = Libc.errno(callState);
                throw new IllegalStateException("setpriority failed: thread=" + Thread.currentThread().getName()
                        + " tid=" + tid + " nice=" + nice + " rc=" + rc + " errno=" + errno
                        + (errno == EACCES || errno == EPERM ? " (a lower nice value needs root or CAP_SYS_NICE)" : ""));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setpriority call failed: thread=" + Thread.currentThread().getName()
                    + " nice=" + nice, t);
        }
    }

    /**
     * {@link #setCallingThread}, logging instead of throwing when the kernel refuses: a thread at
     * the default priority still does its work, later.
     */
    static void trySetCallingThread(int nice, System.Logger log) {
        try {
            setCallingThread(nice);
        } catch (IllegalStateException e) {
            log.log(System.Logger.Level.WARNING, "thread keeps its priority: " + e.getMessage());
        }
    }
}
