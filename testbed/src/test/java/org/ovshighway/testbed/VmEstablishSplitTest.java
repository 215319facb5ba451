package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.ovshighway.testbed.vm.VmEstablishSplit;

/** VmEstablishSplit against agent log and guest lines in the formats the agent and PortRemap print. */
class VmEstablishSplitTest {
    private static final long LINK = 1795324528097003L;
    /** 2026-11-22 05:16:01.000 UTC. */
    private static final long SENT_WALL = LocalDateTime.of(2026, 11, 22, 5, 16, 1).toInstant(ZoneOffset.UTC).toEpochMilli();
    private static final long SENT_NANOS = 1_000_000_000L;

    private static final List<String> AGENT_LOG = List.of(
            // an earlier link of the same ports: before the FLOW_MOD, never counted
            "2026-11-22 05:15:40.100 INFO org.ovshighway.agent.PointToPointWatch: point-to-point: vmc-eth0(1) -> vmd-eth0(2)",
            "2026-11-22 05:15:40.110 INFO org.ovshighway.agent.BypassController: establishing link vmc-eth0 -> vmd-eth0",
            "2026-11-22 05:15:40.300 INFO org.ovshighway.hotplug.libvirt.LibvirtAttacher: attached domain=hw-vm-c"
                    + " region=/dev/hugepages/hwlink-1795324528097001 shmem=hwlink-1795324528097001 pci=0000:00:06.0"
                    + " size=4194304 us=22836 call_us=30000",
            "2026-11-22 05:15:49.000 INFO org.ovshighway.agent.PointToPointWatch: no longer point-to-point: vmc-eth0(1)"
                    + " -> vmd-eth0(2) (table 0 priority 40000 in_port=1: actions=output:2,output:LOCAL)",
            "2026-11-22 05:16:01.004 INFO org.ovshighway.agent.PointToPointWatch: point-to-point: vmc-eth0(1) -> vmd-eth0(2)",
            "2026-11-22 05:16:01.006 INFO org.ovshighway.agent.BypassController: establishing link vmc-eth0 -> vmd-eth0",
            "2026-11-22 05:16:01.010 INFO org.ovshighway.remapper.RegionFiles: created region file"
                    + " path=/dev/hugepages/hwlink-1795324528097003 size=4194304 kind=LINK generation=1",
            "2026-11-22 05:16:01.040 INFO org.ovshighway.hotplug.libvirt.LibvirtAttacher: attached domain=hw-vm-c"
                    + " region=/dev/hugepages/hwlink-1795324528097003 shmem=hwlink-1795324528097003 pci=0000:00:06.0"
                    + " size=4194304 us=20000 lookup_us=3000 call_us=25000",
            "a line without a time stamp: highway agent running",
            "2026-11-22 05:16:01.070 INFO org.ovshighway.hotplug.libvirt.LibvirtAttacher: attached domain=hw-vm-d"
                    + " region=/dev/hugepages/hwlink-1795324528097003 shmem=hwlink-1795324528097003 pci=0000:00:06.0"
                    + " size=4194304 us=18000 lookup_us=4000 call_us=24000",
            "2026-11-22 05:16:01.900 INFO org.ovshighway.remapper.Link: link=1795324528097003 vmc-eth0->vmd-eth0"
                    + " ATTACHING -> USABLE");

    private static EstablishCycles.Run run() {
        EstablishCycles.Run run = new EstablishCycles.Run(2);
        run.sent = SENT_NANOS;
        run.sentWallMillis = SENT_WALL;
        run.linkId = LINK;
        run.region = SENT_NANOS + 12_000_000;      // 12 ms
        run.mapped = SENT_NANOS + 880_000_000;     // 880 ms
        run.usable = SENT_NANOS + 902_000_000;     // 902 ms
        run.firstFrame = SENT_NANOS + 1_000_000_000; // 1000 ms
        run.revertSent = SENT_NANOS + 4_000_000_000L;
        run.revertDone = SENT_NANOS + 4_600_000_000L;
        return run;
    }

    @Test
    void stagesFollowOneAnotherAndAddUpToTheTotal() {
        VmEstablishSplit split = VmEstablishSplit.of(run(), AGENT_LOG, "vmc-eth0", "vmd-eth0",
                Optional.of("port=vmc-eth0 mapped LinkSession[linkId=1795324528097003, generation=1, end=0,"
                        + " path=/sys/bus/pci/devices/0000:00:06.0/resource2] scan_us=41000 since_request_us=700000"),
                Optional.of("port=vmd-eth0 mapped LinkSession[linkId=1795324528097003, generation=1, end=1,"
                        + " path=/sys/bus/pci/devices/0000:00:06.0/resource2] scan_us=55500 since_request_us=750000"),
                ZoneOffset.UTC);
        assertEquals(1000.0, split.total(), 1e-9);
        assertEquals(4.0, split.verdict(), 1e-9);
        assertEquals(6.0, split.detection(), 1e-9);
        assertEquals(6.0, split.region(), 1e-9);          // 6 -> 12
        assertEquals(58.0, split.attach(), 1e-9);         // 12 -> 70 (the later attach)
        assertEquals(810.0, split.guestDiscovery(), 1e-9); // 70 -> 880
        assertEquals(120.0, split.handshake(), 1e-9);     // 880 -> 1000
        assertEquals(split.total(), split.detection() + split.region() + split.attach() + split.guestDiscovery()
                + split.handshake(), 1e-9);
        assertEquals(45.0, split.libvirt(), 1e-9);        // only this link's two attaches, lookups included
        assertEquals(49.0, split.libvirtCall(), 1e-9);
        assertEquals(22.0, split.agentUsable(), 1e-9);
        assertEquals(6.0 + 6.0 + (58.0 - 45.0) + 22.0, split.highwayHost(), 1e-9);
        assertEquals(55.5, split.guestLib(), 1e-9);
        assertEquals(600.0, split.revert(), 1e-9);
        assertTrue(split.line().startsWith("VM_AGENT_ESTABLISH round=2 link=1795324528097003 total_ms=1000.0"
                + " detection_ms=6.0 region_ms=6.0 attach_ms=58.0 guest_discovery_ms=810.0 handshake_ms=120.0"), split.line());
        assertTrue(split.line().contains(" highway_host_ms=47.0 guest_lib_ms=55.5 guest_scan_ms_a=41.0"
                + " guest_scan_ms_b=55.5 guest_since_request_ms_a=700.0 guest_since_request_ms_b=750.0"), split.line());
    }

    @Test
    void aStandbyRoundHasOnlyDetectionAndHandshakeOnItsPath() {
        // the link was made, plugged and mapped before the FLOW_MOD: its attach lines are older
        EstablishCycles.Run run = run();
        run.standby = true;
        run.region = SENT_NANOS + 1_000_000;       // seen at the first poll
        run.mapped = SENT_NANOS + 1_000_000;
        run.usable = SENT_NANOS + 9_000_000;       // 9 ms
        run.firstFrame = SENT_NANOS + 15_000_000;  // 15 ms
        List<String> log = new java.util.ArrayList<>(AGENT_LOG.stream()
                .filter(l -> !l.contains("establishing link")).toList());
        log.add(5, "2026-11-22 05:16:01.007 INFO org.ovshighway.agent.BypassController: activating standby link linkId="
                + LINK + " vmc-eth0 -> vmd-eth0");
        VmEstablishSplit split = VmEstablishSplit.of(run, log, "vmc-eth0", "vmd-eth0",
                Optional.of("port=vmc-eth0 mapped LinkSession[linkId=1795324528097003, generation=1, end=0,"
                        + " path=/sys/bus/pci/devices/0000:00:06.0/resource2] scan_us=41000 since_request_us=700000"),
                Optional.empty(), ZoneOffset.UTC);
        assertTrue(split.standby(), split.line());
        assertEquals(15.0, split.total(), 1e-9);
        assertEquals(7.0, split.detection(), 1e-9);
        assertEquals(0.0, split.region() + split.attach() + split.guestDiscovery(), 1e-9);
        assertEquals(8.0, split.handshake(), 1e-9);
        assertEquals(9.0, split.highwayHost(), 1e-9);      // the FLOW_MOD to usable
        assertEquals(2.0, split.agentUsable(), 1e-9);      // the activation, after the activating line
        assertEquals(9.0, split.highway(), 1e-9);          // no guest scan on the path
        assertTrue(Double.isNaN(split.libvirt()) && Double.isNaN(split.guestLib()), split.line());
        assertTrue(split.line().contains(" total_ms=15.0 detection_ms=7.0 region_ms=0.0 attach_ms=0.0"
                + " guest_discovery_ms=0.0 handshake_ms=8.0 "), split.line());
        assertTrue(split.line().endsWith(" standby=1"), split.line());
    }

    @Test
    void aStandbyRoundWithoutItsActivationLineGivesNa() {
        EstablishCycles.Run run = run();
        run.standby = true;
        VmEstablishSplit split = VmEstablishSplit.of(run, AGENT_LOG, "vmc-eth0", "vmd-eth0", Optional.empty(),
                Optional.empty(), ZoneOffset.UTC);
        assertEquals(1000.0, split.total(), 1e-9);
        assertTrue(Double.isNaN(split.detection()) && Double.isNaN(split.handshake()), split.line());
        assertTrue(Double.isNaN(split.agentUsable()), split.line());
        assertEquals(902.0, split.highway(), 1e-9);         // the FLOW_MOD to usable needs no log line
    }

    @Test
    void missingLinesGiveNaNotWrongNumbers() {
        // an agent log without the establishing and attach lines (renamed by a later version)
        List<String> log = AGENT_LOG.stream().filter(l -> !l.contains("establishing link") && !l.contains("attached")).toList();
        VmEstablishSplit split = VmEstablishSplit.of(run(), log, "vmc-eth0", "vmd-eth0", Optional.empty(),
                Optional.empty(), ZoneOffset.UTC);
        assertEquals(1000.0, split.total(), 1e-9);
        assertTrue(Double.isNaN(split.detection()) && Double.isNaN(split.region()), split.line());
        assertTrue(Double.isNaN(split.attach()) && Double.isNaN(split.guestDiscovery()), split.line());
        assertEquals(120.0, split.handshake(), 1e-9);
        assertTrue(Double.isNaN(split.highwayHost()) && Double.isNaN(split.guestLib()), split.line());
        assertTrue(split.line().contains(" attach_ms=na guest_discovery_ms=na handshake_ms=120.0"), split.line());
    }

    @Test
    void boundaryStampedBeforeThePreviousOneCountsAsIt() {
        // the harness saw the region valid only after the second attach's log line (a slow poll)
        EstablishCycles.Run run = run();
        run.region = SENT_NANOS + 90_000_000;
        VmEstablishSplit split = VmEstablishSplit.of(run, AGENT_LOG, "vmc-eth0", "vmd-eth0", Optional.empty(),
                Optional.empty(), ZoneOffset.UTC);
        assertEquals(84.0, split.region(), 1e-9);
        assertEquals(0.0, split.attach(), 1e-9);
        assertEquals(790.0, split.guestDiscovery(), 1e-9);
    }

    @Test
    void theSupervisorsOwnTimingReplacesTheHarnesssPollOfTheRegion() {
        List<String> log = new java.util.ArrayList<>(AGENT_LOG);
        log.add("2026-11-22 05:16:01.071 FINE org.ovshighway.remapper.LinkSupervisor: link=1795324528097003 attach"
                + " published: queued_us=300 region_us=400 spare=true attach_us=30000,30000 total_us=52000 cpu_us=900");
        VmEstablishSplit split = VmEstablishSplit.of(run(), log, "vmc-eth0", "vmd-eth0", Optional.empty(),
                Optional.empty(), ZoneOffset.UTC);
        assertEquals(52.0, split.agentLink(), 1e-9);
        assertEquals(6.0 + (52.0 - 45.0) + 22.0, split.highwayHost(), 1e-9,
                "detection + the supervisor's time outside libvirt + usable; the harness's region poll left out");
        assertEquals(6.0, split.region(), 1e-9, "the stages themselves stay the harness's");
        assertTrue(split.line().contains(" libvirt_call_ms=49.0 agent_link_ms=52.0 agent_usable_ms=22.0"), split.line());
    }

    @Test
    void theSlowerGuestsCpuIsTheLibrarysShareAndTheRestOfItsScanIsNot() {
        VmEstablishSplit split = VmEstablishSplit.of(run(), AGENT_LOG, "vmc-eth0", "vmd-eth0",
                Optional.of("port=vmc-eth0 mapped LinkSession[linkId=1795324528097003, generation=1, end=0,"
                        + " path=/sys/bus/pci/devices/0000:00:06.0/resource2] scan_us=41000 list_us=0 by_address=true"
                        + " since_request_us=700000 cpu_user_us=9000 cpu_sys_us=30000"),
                Optional.of("port=vmd-eth0 mapped LinkSession[linkId=1795324528097003, generation=1, end=1,"
                        + " path=/sys/bus/pci/devices/0000:00:06.0/resource2] scan_us=55500 list_us=0 by_address=true"
                        + " since_request_us=750000 cpu_user_us=2500 cpu_sys_us=4000"),
                ZoneOffset.UTC);
        assertEquals(55.5, split.guestLib(), 1e-9);
        assertEquals(6.5, split.guestLibCpu(), 1e-9, "B's scan is the slower one: its user + system CPU, not A's");
        assertEquals(split.highwayHost() + 6.5, split.highway(), 1e-9);
        assertTrue(split.line().contains(" guest_lib_cpu_ms=6.5 guest_kernel_ms=0.0 highway_ms=53.5 "), split.line());

        VmEstablishSplit older = VmEstablishSplit.of(run(), AGENT_LOG, "vmc-eth0", "vmd-eth0",
                Optional.of("port=vmc-eth0 mapped LinkSession[linkId=1795324528097003] scan_us=41000"),
                Optional.empty(), ZoneOffset.UTC);
        assertTrue(Double.isNaN(older.guestLibCpu()) && Double.isNaN(older.highway()), older.line());
        assertTrue(older.line().contains(" guest_lib_cpu_ms=na guest_kernel_ms=0.0 highway_ms=na "), older.line());
    }

    @Test
    void theThreadClockIsPreferredToTheTickSampledSplit() {
        VmEstablishSplit split = VmEstablishSplit.of(run(), AGENT_LOG, "vmc-eth0", "vmd-eth0",
                Optional.of("port=vmc-eth0 mapped LinkSession[linkId=1795324528097003, generation=1, end=0,"
                        + " path=/sys/bus/pci/devices/0000:00:06.0/resource2] scan_us=4000 list_us=0 by_address=true"
                        + " since_request_us=4000 map_us=900 validate_us=300 cpu_us=2700 cpu_user_us=0 cpu_sys_us=0"),
                Optional.of("port=vmd-eth0 mapped LinkSession[linkId=1795324528097003, generation=1, end=1,"
                        + " path=/sys/bus/pci/devices/0000:00:06.0/resource2] scan_us=3000 list_us=0 by_address=true"
                        + " since_request_us=3000 map_us=800 validate_us=200 cpu_us=2900 cpu_user_us=4000 cpu_sys_us=0"),
                ZoneOffset.UTC);
        assertEquals(4.0, split.guestLib(), 1e-9);
        assertEquals(2.7, split.guestLibCpu(), 1e-9, "A's scan is the slower one: its thread clock, not its 0 + 0 ticks");
        assertEquals(0.0, split.guestKernel(), 1e-9, "no map_syscalls_us logged: nothing taken off");

        VmEstablishSplit withKernel = VmEstablishSplit.of(run(), AGENT_LOG, "vmc-eth0", "vmd-eth0",
                Optional.of("port=vmc-eth0 mapped LinkSession[linkId=1795324528097003, generation=1, end=0,"
                        + " path=/sys/bus/pci/devices/0000:00:06.0/resource2] scan_us=4000 list_us=0 by_address=true"
                        + " since_request_us=4000 map_us=900 map_syscalls_us=700 validate_us=300 cpu_us=2700"
                        + " cpu_user_us=0 cpu_sys_us=0"),
                Optional.of("port=vmd-eth0 mapped LinkSession[linkId=1795324528097003, generation=1, end=1,"
                        + " path=/sys/bus/pci/devices/0000:00:06.0/resource2] scan_us=3000 list_us=0 by_address=true"
                        + " since_request_us=3000 map_us=800 map_syscalls_us=600 validate_us=200 cpu_us=2900"),
                ZoneOffset.UTC);
        assertEquals(0.7, withKernel.guestKernel(), 1e-9, "the slower guest's (A's) mapping system calls");
        assertEquals(withKernel.highwayHost() + 2.7 - 0.7, withKernel.highway(), 1e-9);
        assertEquals(withKernel.highwayHost() + 2.7, withKernel.highwayWithGuestKernel(), 1e-9);
        assertTrue(withKernel.line().contains(" guest_lib_cpu_ms=2.7 guest_kernel_ms=0.7 highway_ms="), withKernel.line());
    }

    @Test
    void aRunThatDidNotEstablishIsRefused() {
        EstablishCycles.Run run = new EstablishCycles.Run(1);
        run.failure = "no link region appeared";
        assertThrows(IllegalArgumentException.class, () -> VmEstablishSplit.of(run, AGENT_LOG, "vmc-eth0", "vmd-eth0",
                Optional.empty(), Optional.empty(), ZoneOffset.UTC));
    }
}
