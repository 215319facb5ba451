package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ovshighway.hotplug.libvirt.DevicePresence;

/**
 * The guest watch's decisions, round by round, against a scripted hypervisor (no VM runs in a unit
 * test; testbed/vm-test restarts a real domain under the agent and LibvirtAttacherVmIT checks the
 * libvirt side of presence and re-plugging).
 */
class GuestDeviceWatchFakeHypervisorTest {

    /** A VM port whose hypervisor answers from a script; records re-plugs. */
    private static final class ScriptedPort implements GuestDeviceWatch.WatchedPort {
        final Deque<Object> answers = new ArrayDeque<>();
        final Deque<Boolean> replugWorks = new ArrayDeque<>();
        int replugs;

        @Override
        public String name() {
            return "pb";
        }

        @Override
        public String where() {
            return "port=pb guest=vm-b domain=hw-vm-b";
        }

        @Override
        public Optional<DevicePresence> devicePresence() throws IOException {
            Object next = answers.isEmpty() ? DevicePresence.PRESENT : answers.poll();
            if (next instanceof IOException e) {
                throw e;
            }
            return Optional.of((DevicePresence) next);
        }

        @Override
        public void replug() throws IOException {
            replugs++;
            if (!replugWorks.isEmpty() && !replugWorks.poll()) {
                throw new IOException("NO_PCI_SLOT: domain=hw-vm-b");
            }
        }
    }

    private static GuestDeviceWatch watch(ScriptedPort port, List<String> heard) {
        GuestDeviceWatch watch = new GuestDeviceWatch(List.of(port), Duration.ofSeconds(1));
        watch.listener(new GuestDeviceWatch.Listener() {
            @Override
            public void guestAbsent(String p, String why) {
                heard.add("absent " + p + ": " + why);
            }

            @Override
            public void guestPresent(String p) {
                heard.add("present " + p);
            }
        });
        return watch;
    }

    @Test
    void aDomainStartedAnewGetsItsDeviceBackAtOnce() {
        ScriptedPort port = new ScriptedPort();
        List<String> heard = new ArrayList<>();
        GuestDeviceWatch watch = watch(port, heard);
        watch.round();
        port.answers.add(DevicePresence.MISSING);
        watch.round();
        watch.round();
        assertEquals(1, port.replugs);
        assertEquals(List.of("absent pb: port device gone from its domain", "present pb"), heard);
    }

    @Test
    void aStoppedDomainIsReportedOnceAndReplugWaitsUntilItRunsAgain() {
        ScriptedPort port = new ScriptedPort();
        List<String> heard = new ArrayList<>();
        GuestDeviceWatch watch = watch(port, heard);
        port.answers.addAll(List.of(DevicePresence.DOMAIN_NOT_RUNNING, DevicePresence.DOMAIN_NOT_RUNNING,
                DevicePresence.DOMAIN_NOT_FOUND, DevicePresence.MISSING));
        for (int i = 0; i < 5; i++) {
            watch.round();
        }
        assertEquals(1, port.replugs, "plugged only once the domain ran again");
        assertEquals(List.of("absent pb: domain not running", "absent pb: domain gone", "present pb"), heard);
    }

    @Test
    void aFailedReplugIsRetriedEachRoundAndTheGuestStaysAbsentUntilItWorks() {
        ScriptedPort port = new ScriptedPort();
        List<String> heard = new ArrayList<>();
        GuestDeviceWatch watch = watch(port, heard);
        port.answers.addAll(List.of(DevicePresence.MISSING, DevicePresence.MISSING, DevicePresence.MISSING));
        port.replugWorks.addAll(List.of(false, false, true));
        watch.round();
        watch.round();
        assertEquals(List.of("absent pb: port device gone from its domain"), heard);
        watch.round();
        watch.round();
        assertEquals(3, port.replugs);
        assertEquals(List.of("absent pb: port device gone from its domain", "present pb"), heard);
    }

    @Test
    void aHypervisorThatCannotAnswerChangesNothing() {
        ScriptedPort port = new ScriptedPort();
        List<String> heard = new ArrayList<>();
        GuestDeviceWatch watch = watch(port, heard);
        port.answers.addAll(List.of(new IOException("LIBVIRT: connection lost"), new IOException("LIBVIRT: connection lost"),
                DevicePresence.PRESENT));
        for (int i = 0; i < 3; i++) {
            watch.round();
        }
        assertEquals(List.of(), heard);
        assertEquals(0, port.replugs);
    }

    @Test
    void thePeriodMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new GuestDeviceWatch(List.of(), Duration.ZERO));
    }
}
