package org.ovshighway.p2p;

/**
 * Receives verdict changes, synchronously on the thread that fed the detector. For one event (or
 * one {@link P2pDetector#acceptAll} batch) the detector reports every {@link LinkEvent.DirectionDown}
 * before any {@link LinkEvent.DirectionUp}, so a port never appears to have two peers at once.
 */
@FunctionalInterface
public interface LinkListener {
    void onLinkEvent(LinkEvent event);
}
