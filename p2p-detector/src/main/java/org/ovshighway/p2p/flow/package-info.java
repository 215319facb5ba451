/**
 * An OpenFlow-library-independent model of flow entries, matches, actions, groups and flow-table
 * events: what a flow-monitor or dump converter produces and the detector consumes. All types are
 * immutable; anything the model has no type for is {@link org.ovshighway.p2p.flow.Action.Other}.
 */
package org.ovshighway.p2p.flow;
