package org.ovshighway.guest.remap;

import java.nio.file.Path;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;

/**
 * A device that may be the link an ATTACH asks for, taken up in steps by {@link PortRemap}:
 * mapped, then validated and identified, then made a {@link LinkSession}. Between steps it holds
 * what the earlier ones made; {@link #abandon} unmaps it. Guarded by the port's slow-path lock.
 */
final class LinkCandidate {
    /** What a step left. */
    enum Step {
        /** Another step is needed. */
        GOING_ON,
        /** The link: {@link #session()} is ready. */
        FOUND,
        /** Not the link, or not usable; nothing is left mapped. */
        NOT_THIS
    }

    /** The request word this candidate is for: a changed word abandons it. */
    final long word;
    final Path path;
    /** When the first step started (clock of the port). */
    final long startedAt;
    MappedRegion mapping;
    ValidatedRegion validated;
    int end;
    private LinkSession session;
    private long cpuNanos;
    private int calls;

    LinkCandidate(long word, Path path, long startedAt) {
        this.word = word;
        this.path = path;
        this.startedAt = startedAt;
    }

    void found(LinkSession s) {
        session = s;
    }

    LinkSession session() {
        return session;
    }

    /** Adds one step's CPU time (thread clock readings; a negative one makes the total unknown). */
    void addCpu(long before, long after) {
        calls++;
        cpuNanos = before < 0 || after < 0 || cpuNanos < 0 ? -1 : cpuNanos + (after - before);
    }

    /** This thread's CPU time over the steps, -1 if a reading failed. */
    long cpuNanos() {
        return cpuNanos;
    }

    /** Steps taken on this candidate. */
    int calls() {
        return calls;
    }

    /** Unmaps whatever the steps mapped; the candidate is not used again. */
    void abandon() {
        if (mapping != null) {
            mapping.close();
            mapping = null;
        }
        validated = null;
    }
}
