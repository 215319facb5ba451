/**
 * Point-to-point detection: {@link org.ovshighway.p2p.P2pDetector} mirrors a bridge's flow and
 * group tables from {@link org.ovshighway.p2p.flow.FlowEvent}s and publishes
 * {@link org.ovshighway.p2p.LinkEvent}s when a direction between two candidate ring ports becomes,
 * or stops being, point-to-point. Pure logic, JDK only, single-threaded.
 */
package org.ovshighway.p2p;
