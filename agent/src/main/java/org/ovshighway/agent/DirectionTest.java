package org.ovshighway.agent;

/** Whether a flow change may make direction {@code from -> to} (OpenFlow port numbers) stop being point-to-point. */
@FunctionalInterface
interface DirectionTest {
    boolean mayAffect(long from, long to);
}
