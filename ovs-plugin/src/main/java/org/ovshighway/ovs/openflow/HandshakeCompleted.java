package org.ovshighway.ovs.openflow;

/** User event fired by {@link HandshakeHandler} once both HELLOs are exchanged and the version is fixed. */
public record HandshakeCompleted(OpenFlowVersion version) {
}
