package org.ovshighway.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.ovshighway.hotplug.libvirt.DevicePresence;

/**
 * Keeps the VM guests' port devices in their domains. Live devices do not outlive a domain's QEMU
 * process: a VM that was destroyed and started again (or shut down and started) comes back
 * without its port device. Each round asks the hypervisor about every VM port; a running domain
 * that lacks the device gets it plugged again (the region, its connection word and the OVS side
 * were never touched, so the new guest opens the port as after its first boot). While a guest is
 * without its device, or its domain does not run, its links are useless: the {@link Listener}
 * hears of it, and again once the device is back.
 *
 * <p>Thread {@value #THREAD} owns the per-port state; the hypervisor calls may block (libvirt
 * serialises them behind an unplug that waits for a guest), which is why this is not done on the
 * memif supervisor's thread.
 */
final class GuestDeviceWatch implements AutoCloseable {
    static final String THREAD = "highway-guest-watch";
    private static final System.Logger LOG = System.getLogger(GuestDeviceWatch.class.getName());

    /** Hears when a port's guest loses or regains the use of its port device. Called on the watch thread. */
    interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void guestAbsent(String port, String why) {
            }

            @Override
            public void guestPresent(String port) {
            }
        };

        /** Port {@code port}'s guest cannot use its links now; {@code why} says what was seen. */
        void guestAbsent(String port, String why);

        /** Port {@code port}'s guest has its port device again. */
        void guestPresent(String port);
    }

    /** What the watch needs of a VM guest's ring port ({@link ManagedRingPort} is one). */
    interface WatchedPort {
        String name();

        /** {@code port=P guest=G domain=D}, for log lines. */
        String where();

        /** Whether the port's device is in its domain (empty: not a VM device). */
        Optional<DevicePresence> devicePresence() throws IOException;

        /** Plugs the device into its domain again. */
        void replug() throws IOException;
    }

    private final List<WatchedPort> ports;
    private final long periodNanos;
    /** Thread-owned: what the last round saw per port (absent: present). */
    private final Map<String, DevicePresence> seen = new HashMap<>();
    /** Thread-owned: the last failure to ask the hypervisor, per port, logged once per change. */
    private final Map<String, String> lastFailure = new HashMap<>();
    private volatile Listener listener = Listener.NONE;
    private volatile boolean running = true;
    private Thread thread;

    /**
     * @param ports  the VM guests' ports (the others' publications do not go away with the guest)
     * @param period time between two rounds
     */
    GuestDeviceWatch(List<? extends WatchedPort> ports, Duration period) {
        this.ports = List.copyOf(ports);
        this.periodNanos = period.toNanos();
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("guest watch period must be positive: periodMs=" + period.toMillis());
        }
    }

    void listener(Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    void start() {
        thread = Thread.ofPlatform().name(THREAD).daemon().start(() -> {
            while (running) {
                LockSupport.parkNanos(periodNanos);
                if (running) {
                    round();
                }
            }
        });
    }

    /** One look at every port; the watch thread's step (tests call it directly instead of starting the thread). */
    void round() {
        for (WatchedPort port : ports) {
            try {
                check(port);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "guest watch step failed: port=" + port.name() + " " + e, e);
            }
        }
    }

    private void check(WatchedPort port) {
        String name = port.name();
        String where = port.where();
        DevicePresence now;
        try {
            now = port.devicePresence().orElse(DevicePresence.PRESENT);
        } catch (IOException e) {
            String failure = e.getMessage();
            if (!failure.equals(lastFailure.put(name, failure))) {
                LOG.log(System.Logger.Level.WARNING, "cannot ask the hypervisor about the port device: " + where
                        + " (" + failure + "); asking again every " + periodNanos / 1_000_000 + " ms");
            }
            return;
        }
        lastFailure.remove(name);
        DevicePresence before = seen.getOrDefault(name, DevicePresence.PRESENT);
        switch (now) {
            case PRESENT -> {
                if (before != DevicePresence.PRESENT) {
                    LOG.log(System.Logger.Level.INFO, "port device present again: " + where);
                    listener.guestPresent(name);
                }
            }
            case MISSING -> {
                if (before == DevicePresence.PRESENT) {
                    LOG.log(System.Logger.Level.WARNING, "port device gone from the running domain (started anew, or"
                            + " unplugged by hand): " + where + "; plugging it again, its links are reverted");
                    listener.guestAbsent(name, "port device gone from its domain");
                }
                try {
                    port.replug();
                    now = DevicePresence.PRESENT;
                    listener.guestPresent(name);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot plug the port device again: " + where + " ("
                            + e.getMessage() + "); trying again in " + periodNanos / 1_000_000 + " ms");
                }
            }
            case DOMAIN_NOT_RUNNING, DOMAIN_NOT_FOUND -> {
                if (before != now) {
                    String state = now == DevicePresence.DOMAIN_NOT_RUNNING ? "not running" : "gone";
                    LOG.log(System.Logger.Level.WARNING, "domain " + state + ": " + where + "; its links are reverted,"
                            + " the port device is plugged again once the domain runs");
                    listener.guestAbsent(name, "domain " + state);
                }
            }
        }
        seen.put(name, now);
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
