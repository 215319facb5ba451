package org.ovshighway.agent;

import java.util.logging.LogManager;

/**
 * The {@code highway} launcher's {@link LogManager} ({@code -Djava.util.logging.manager}): it keeps
 * the log handlers open while a command's own shutdown hook runs. The JDK's log manager closes every
 * handler from a shutdown hook of its own, which runs alongside the others, so what the agent logs
 * while it stops on SIGTERM (links reverted, ports removed, devices unplugged) would be lost.
 *
 * <p>A command calls {@link #holdDuringShutdown()} once it installed its hook, and
 * {@link #closeHandlers()} as the hook's last step. Without this manager (another launcher) both
 * do nothing and logging behaves as the JDK's.
 */
public final class ShutdownLogManager extends LogManager {
    private volatile boolean held;

    /** Called by the JDK when {@code java.util.logging.manager} names this class. */
    public ShutdownLogManager() {
    }

    /** From now on only {@link #closeHandlers()} closes the handlers. */
    static void holdDuringShutdown() {
        if (LogManager.getLogManager() instanceof ShutdownLogManager manager) {
            manager.held = true;
        }
    }

    /** Flushes and closes every handler: the last step of a command's shutdown hook. */
    static void closeHandlers() {
        if (LogManager.getLogManager() instanceof ShutdownLogManager manager) {
            manager.held = false;
            manager.reset();
        }
    }

    @Override
    public void reset() {
        // the JDK's shutdown hook calls this while the command's hook may still be logging
        if (!held) {
            super.reset();
        }
    }
}
