package org.ovshighway.ovs.ovsdb;

/** The tables whose {@code external_ids} Highway reads and writes. */
public enum ExternalIdsOwner {
    BRIDGE("Bridge"),
    PORT("Port"),
    INTERFACE("Interface");

    private final String table;

    ExternalIdsOwner(String table) {
        this.table = table;
    }

    /** The OVSDB table name. */
    public String table() {
        return table;
    }
}
