package org.ovshighway.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ovshighway.guest.GuestPort;
import org.ovshighway.guest.PacketBurst;

/**
 * Test frames through ring ports: a marked 64-byte broadcast, a send-until-seen loop, and a run of
 * frames sent once each.
 */
final class MarkedFrames {
    private MarkedFrames() {
    }

    /** A 64-byte broadcast frame, EtherType 0x88b5, carrying {@code marker} in two places. */
    static byte[] frame(int marker) {
        byte[] f = new byte[64];
        Arrays.fill(f, 0, 6, (byte) 0xff);
        f[6] = 0x02;
        f[11] = (byte) marker;
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xb5;
        f[14] = (byte) marker;
        return f;
    }

    /**
     * Sends {@code frame} from {@code tx} until it is received on {@code rx} (OVS may drop while
     * settling); returns the bytes received, or null after 500 attempts.
     */
    static byte[] sendUntilReceived(GuestPort tx, GuestPort rx, byte[] frame) throws InterruptedException {
        PacketBurst burst = new PacketBurst();
        for (int attempt = 0; attempt < 500; attempt++) {
            rx.rxBurst(burst);
            tx.txBurst(new byte[][] {frame}, 1);
            for (int wait = 0; wait < 5; wait++) {
                Thread.sleep(2);
                int n = rx.rxBurst(burst);
                for (int i = 0; i < n; i++) {
                    byte[] got = new byte[burst.length(i)];
                    for (int b = 0; b < got.length; b++) {
                        got[b] = burst.packet(i).getByte(b);
                    }
                    if (Arrays.equals(got, frame)) {
                        return got;
                    }
                }
            }
        }
        return null;
    }

    /**
     * Sends frames marked {@code first} .. {@code first + count - 1} from {@code tx}, each once (a
     * burst the ring refuses is offered again, nothing is resent after it was taken), and returns the
     * markers of the frames {@code rx} received until {@code count} arrived or {@code timeoutMillis}
     * passed, in arrival order.
     */
    static List<Integer> sendEachOnce(GuestPort tx, GuestPort rx, int first, int count, long timeoutMillis)
            throws InterruptedException {
        PacketBurst burst = new PacketBurst();
        List<Integer> received = new ArrayList<>();
        int sent = 0;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (received.size() < count && System.nanoTime() < deadline) {
            if (sent < count && tx.txBurst(new byte[][] {frame(first + sent)}, 1) == 1) {
                sent++;
            }
            int n = rx.rxBurst(burst);
            for (int i = 0; i < n; i++) {
                received.add(burst.packet(i).getByte(14) & 0xff);
            }
            if (n == 0) {
                Thread.sleep(1);
            }
        }
        return received;
    }
}
