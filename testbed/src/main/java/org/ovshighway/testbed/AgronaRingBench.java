package org.ovshighway.testbed;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Map;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The Agrona baseline of {@code testbed/bench direct-link}: 64-byte messages through one
 * {@link OneToOneRingBuffer} from a producer thread to a consumer thread, each pinned to its own
 * core. The producer uses the ordinary {@code write} (one copy of the 64-byte message, as an
 * application would); the consumer reads in batches of up to {@value #BATCH}. Every message
 * carries its sequence number, which the consumer checks.
 *
 * <p>Output: one line per window on stderr, then on stdout
 * {@code AGRONA_RESULT mpps=<median> windows=<w1,w2,...> received=<n> lost=<n> reordered=<n>}.
 */
public final class AgronaRingBench {
    public static final int MESSAGE_LENGTH = 64;
    public static final int BATCH = 32;
    private static final int MESSAGE_TYPE = 1;

    /** What one run measured. */
    public record Result(RateSamples samples, long received, long lost, long reordered) {
    }

    private AgronaRingBench() {
    }

    public static void main(String[] args) throws InterruptedException {
        HarnessOptions options = HarnessOptions.parse("AgronaRingBench", args, Map.of(
                "capacity", "131072",
                "warmup-ms", "1000",
                "windows", "5",
                "window-ms", "1000",
                "producer-cpu", "0",
                "consumer-cpu", "1"));
        Result result = run(options.positiveInt("capacity"), options.nonNegativeInt("warmup-ms"),
                options.positiveInt("windows"), options.positiveInt("window-ms"),
                options.cpuOrNone("producer-cpu"), options.cpuOrNone("consumer-cpu"), System.err);
        System.out.println("AGRONA_RESULT mpps=" + RateSamples.format(result.samples().medianMpps())
                + " windows=" + result.samples().windowsCsv()
                + " received=" + result.received() + " lost=" + result.lost() + " reordered=" + result.reordered());
        if (result.received() == 0 || result.lost() != 0 || result.reordered() != 0) {
            System.exit(1);
        }
    }

    /**
     * @param capacity data capacity of the ring in bytes (power of two); each 64-byte message
     *                 takes 72 bytes (8-byte record header)
     * @param producerCpu core of the producer thread, -1 to leave it unpinned
     */
    public static Result run(int capacity, int warmupMs, int windows, int windowMs,
                             int producerCpu, int consumerCpu, PrintStream progress) throws InterruptedException {
        OneToOneRingBuffer ring = new OneToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
        StopFlag stop = new StopFlag();
        PublishedCounter received = new PublishedCounter();
        Receiver receiver = new Receiver();
        Throwable[] failure = new Throwable[2];

        Thread producer = new Thread(() -> {
            ThreadAffinity.pinCurrentThread(producerCpu);
            UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(MESSAGE_LENGTH));
            long sequence = 0;
            while (!stop.isSet()) {
                for (int i = 0; i < BATCH; i++) {
                    message.putLong(0, sequence);
                    if (!ring.write(MESSAGE_TYPE, message, 0, MESSAGE_LENGTH)) {
                        break;
                    }
                    sequence++;
                }
            }
        }, "agrona-producer");
        Thread consumer = new Thread(() -> {
            ThreadAffinity.pinCurrentThread(consumerCpu);
            while (!stop.isSet()) {
                int read = ring.read(receiver, BATCH);
                if (read > 0) {
                    received.releaseAdd(read);
                }
            }
        }, "agrona-consumer");
        producer.setUncaughtExceptionHandler((t, e) -> failure[0] = e);
        consumer.setUncaughtExceptionHandler((t, e) -> failure[1] = e);
        consumer.start();
        producer.start();

        RateSamples samples = new RateSamples(windows);
        try {
            Thread.sleep(warmupMs);
            for (int w = 0; w < windows && producer.isAlive() && consumer.isAlive(); w++) {
                long count0 = received.acquire();
                long t0 = System.nanoTime();
                Thread.sleep(windowMs);
                long count1 = received.acquire();
                long t1 = System.nanoTime();
                double mpps = samples.add(count1 - count0, t1 - t0);
                progress.printf("agrona window %d/%d: %s Mpps%n", w + 1, windows, RateSamples.format(mpps));
            }
        } finally {
            stop.set();
            producer.join();
            consumer.join();
        }
        for (Throwable t : failure) {
            if (t != null) {
                throw new IllegalStateException("agrona worker thread failed", t);
            }
        }
        SequenceChecker checker = receiver.checker;
        return new Result(samples, checker.expected(), checker.lost(), checker.reordered());
    }

    /** Consumer-side handler: checks the sequence number at the start of every message. */
    private static final class Receiver implements MessageHandler {
        final SequenceChecker checker = new SequenceChecker();

        @Override
        public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
            checker.accept(buffer.getLong(index));
        }
    }

    /** Set once by the main thread; polled by the workers once per batch. */
    private static final class StopFlag {
        private volatile boolean set;

        boolean isSet() {
            return set;
        }

        void set() {
            set = true;
        }
    }
}
