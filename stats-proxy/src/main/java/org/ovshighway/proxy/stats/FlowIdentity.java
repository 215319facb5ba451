package org.ovshighway.proxy.stats;

import org.ovshighway.p2p.flow.Match;

/** What identifies a flow in a flow-stats reply entry: table, priority, cookie and match. */
record FlowIdentity(int tableId, int priority, long cookie, Match match) {
}
