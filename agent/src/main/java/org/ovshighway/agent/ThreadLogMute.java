package org.ovshighway.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Logger;

/**
 * Drops the log records one thread makes, for as long as it is open: every handler of the root
 * logger gets a filter that passes everything else on to the filter it had. For work whose log
 * lines say nothing to an operator (the link warm-up's scratch links), not to hide problems.
 */
final class ThreadLogMute implements AutoCloseable {
    private record Saved(Handler handler, Filter filter) {
    }

    private final List<Saved> saved = new ArrayList<>();

    private ThreadLogMute(long threadId) {
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            Filter previous = handler.getFilter();
            saved.add(new Saved(handler, previous));
            handler.setFilter(record -> record.getLongThreadID() != threadId
                    && (previous == null || previous.isLoggable(record)));
        }
    }

    /** Mutes {@code thread} on the root logger's handlers until {@link #close}. */
    static ThreadLogMute mute(Thread thread) {
        return new ThreadLogMute(thread.threadId());
    }

    /** Gives every handler its filter back. */
    @Override
    public void close() {
        for (Saved s : saved) {
            s.handler().setFilter(s.filter());
        }
    }
}
