/**
 * The OpenFlow proxy that sits between a bridge and its controllers (DESIGN.md, "Controller
 * transparency"). Every message is relayed byte for byte with its XID; port, flow and aggregate
 * statistics replies get the counters of bypassed traffic added; a FLOW_MOD or bundle that breaks
 * a live bypass is held, with everything after it on its connection, until the bypass is reverted.
 */
package org.ovshighway.proxy;
