package org.ovshighway.proxy;

/** The two ends of a relayed connection. */
public enum Side {
    /** The bridge (OVS): its frames go toward the controller. */
    SWITCH,
    /** The controller or an ovs-ofctl client: its frames go toward the switch. */
    CONTROLLER;

    public Side other() {
        return this == SWITCH ? CONTROLLER : SWITCH;
    }
}
