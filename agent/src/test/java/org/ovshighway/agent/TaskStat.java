package org.ovshighway.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What a task's {@code /proc/.../stat} says of its scheduling: nice value (field 19), real-time
 * priority (40) and policy (41), for the tests of the control threads' priorities.
 */
record TaskStat(int nice, int realtimePriority, int policy) {
    /** The normal policy's number in field 41. */
    static final int SCHED_OTHER = 0;

    static TaskStat of(Path statFile) throws IOException {
        String stat = Files.readString(statFile);
        // the command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return new TaskStat(Integer.parseInt(fields[16]), Integer.parseInt(fields[37]), Integer.parseInt(fields[38]));
    }

    static TaskStat ofCallingThread() throws IOException {
        return of(Path.of("/proc/thread-self/stat"));
    }

    /** Threads of this process whose stat matches {@code selected} (threads that end meanwhile are left out). */
    static long threadsOfThisProcess(Predicate<TaskStat> selected) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(task -> {
                try {
                    return selected.test(of(task.resolve("stat")));
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }
}
