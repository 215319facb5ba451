package org.ovshighway.agent;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The calling thread's real-time policy: {@code SCHED_FIFO} at a priority. For the few threads a
 * link's establishment and revert wait for (control-realtime-priority): on cores that spinning
 * data-path threads and TCG vCPUs keep busy, a woken normal thread waits for the running thread's
 * time slice, however good its nice value; a {@code SCHED_FIFO} thread runs at once. These threads
 * block between events (epoll, park), so they take no more CPU than before, and the kernel's
 * real-time throttling ({@code sched_rt_runtime_us}) bounds them anyway.
 * {@code SCHED_RESET_ON_FORK}: a thread they start begins at the normal policy.
 */
final class ThreadRealtime {
    /** Priorities {@code SCHED_FIFO} accepts. */
    static final int MIN = 1;
    static final int MAX = 99;
    /** The policy's number (also in {@code /proc/.../stat} field 41). */
    static final int SCHED_FIFO = 1;
    private static final int SCHED_RESET_ON_FORK = 0x40000000;
    private static final int EPERM = 1;

    private ThreadRealtime() {
    }

    /**
     * {@code int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param);}
     * errno captured; pid 0 is the calling thread (Linux applies it to one thread).
     */
    private static final class SchedSetscheduler {
        static final MethodHandle HANDLE = Libc.downcall("sched_setscheduler", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS), true);
    }

    /**
     * Makes the calling thread {@code SCHED_FIFO} at {@code priority}.
     *
     * @throws IllegalArgumentException when {@code priority} is outside {@value #MIN}..{@value #MAX}
     * @throws IllegalStateException naming the thread, the priority and errno when the kernel refuses
     *                               (EPERM: needs root or CAP_SYS_NICE, or an RLIMIT_RTPRIO that allows it)
     */
    static void setCallingThread(int priority) {
        if (priority < MIN || priority > MAX) {
            throw new IllegalArgumentException("real-time priority out of range " + MIN + ".." + MAX + ": priority="
                    + priority);
        }
        try (Arena arena = Arena.ofConfined()) {
            // struct sched_param { int sched_priority; }
            MemorySegment param = arena.allocate(ValueLayout.JAVA_INT);
            param.set(ValueLayout.JAVA_INT, 0, priority);
            MemorySegment callState = Libc.callState(arena);
            int rc = (int) SchedSetscheduler.HANDLE.invokeExact(callState, 0, SCHED_FIFO | SCHED_RESET_ON_FORK, param);
            if (rc != 0) {
                int errno = Libc.errno(callState);
                throw new IllegalStateException("sched_setscheduler failed: thread=" + Thread.currentThread().getName()
                        + " policy=SCHED_FIFO priority=" + priority + " rc=" + rc + " errno=" + errno
                        + (errno == EPERM ? " (needs root or CAP_SYS_NICE)" : ""));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setscheduler call failed: thread=" + Thread.currentThread().getName()
                    + " priority=" + priority, t);
        }
    }

    /**
     * {@link #setCallingThread}, logging instead of throwing when the kernel refuses: the thread
     * keeps its normal policy (and its nice value) and does its work, later.
     */
    static void trySetCallingThread(int priority, System.Logger log) {
        try {
            setCallingThread(priority);
        } catch (IllegalStateException e) {
            log.log(System.Logger.Level.WARNING, "thread keeps the normal scheduling policy: " + e.getMessage());
        }
    }
}
