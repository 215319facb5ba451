package org.ovshighway.ovs.openflow;

/** Prints what the decoder makes of a captured resource (for reviewing the expectations in CapturedFlowMonitorDecoderTest). */
public final class DumpCaptured {
    private DumpCaptured() {
    }

    public static void main(String[] args) throws Exception {
        CapturedFrames c = CapturedFrames.load(args[0]);
        for (String line : CapturedFlowMonitorDecoderTest.render(c)) {
            System.out.println(line);
        }
    }
}
