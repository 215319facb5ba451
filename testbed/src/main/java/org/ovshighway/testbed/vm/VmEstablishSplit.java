package org.ovshighway.testbed.vm;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.ovshighway.testbed.EstablishCycles;

/**
 * Where one measured VM link establishment's time went: the harness's milestones
 * ({@link EstablishCycles.Run}, host clock, nanoseconds) lined up with the agent's log (wall
 * clock, milliseconds) and each guest's own account of mapping the link (guest clock, durations
 * only).
 *
 * <p>Consecutive stages, each from the end of the one before (so they add up to {@code total_ms};
 * a boundary seen before the previous one counts as that one):
 * <pre>
 *   sent ──detection──▶ agent "establishing link" ──region──▶ region valid (harness)
 *        ──attach──▶ last "LibvirtAttacher: attached ... shmem=hwlink-ID" ──guest_discovery──▶
 *        both ends mapped (harness) ──handshake──▶ first frame on a link ring (harness)
 * </pre>
 * Agent log lines used (matched loosely, any may be missing, its keys are then "na"):
 * {@code PointToPointWatch: point-to-point: A(n) -> B(m)} (the verdict),
 * {@code BypassController: establishing link A -> B} (or {@code A <-> B}; the link's start),
 * {@code LibvirtAttacher: attached domain=D ... shmem=hwlink-ID ... us=U lookup_us=L call_us=C}, and, when the
 * agent logs {@code LinkSupervisor} at FINE, {@code link=ID attach published: ... total_us=T} (the supervisor's own
 * clock from the link being asked for to its ATTACH requests published). Guest lines:
 * {@code port=P mapped LinkSession[linkId=ID, ...] scan_us=S since_request_us=R} (PortRemap).
 *
 * <p>Shares: {@code libvirt_ms} is the sum over both VMs' attaches of {@code lookup_us + us}
 * (the time spent waiting for libvirt: domain lookup and live XML before, virDomainAttachDeviceFlags,
 * live XML read back; {@code us} alone when the line has no {@code lookup_us});
 * {@code libvirt_call_ms} the sum of the whole attach calls ({@code call_us}); {@code agent_link_ms} the
 * supervisor's {@code total_us}; {@code highway_host_ms} = detection + (agent_link_ms - libvirt_ms) +
 * (usable - mapped) when the supervisor's line is there, else detection + region + (attach - libvirt_ms)
 * + (usable - mapped): the host-side time that is not spent in libvirt (it includes OVS's handling
 * of the FLOW_MOD and its monitor update, the agent's bookkeeping and thread hand-offs, and the agent
 * noticing the guests' acknowledgements). The first form leaves out how late the harness's 1 ms poll
 * of the region file saw it (the harness shares the cores with the two TCG vCPU threads), which the
 * second counts as Highway's.
 * {@code guest_lib_ms} is the larger of the two guests' {@code scan_us}
 * (the guest library's successful scan: list, map, validate; guest clock, TCG here);
 * {@code guest_lib_cpu_ms} the CPU that scan's thread used ({@code cpu_us}, or {@code cpu_user_us} +
 * {@code cpu_sys_us} from an older guest library; the rest of the scan its vCPU was elsewhere: the
 * hypervisor's and the machine's share);
 * {@code guest_kernel_ms} the guest kernel's system calls that map the device during that scan
 * ({@code map_syscalls_us});
 * {@code highway_ms} = {@code highway_host_ms} + {@code guest_lib_cpu_ms} - {@code guest_kernel_ms}
 * (Highway's share as the target counts it), {@code highway_with_guest_kernel_ms} without the subtraction.
 *
 * <p>A round whose link was a standby link ({@link EstablishCycles.Run#standby()}, agent option
 * {@code link-standby=true}: made, hot-plugged and mapped by both guests after the round before was
 * reverted) has only two stages on its path: detection, up to the agent's {@code activating standby link
 * linkId=ID} line, and the handshake; region, attach and guest discovery are 0 (done before the
 * FLOW_MOD), the libvirt and guest-scan keys "na", and {@code highway_host_ms} is the host's time from
 * the FLOW_MOD to {@code usable} (detection and activation), which {@code highway_ms} equals: no guest
 * scan is on the path.
 */
public record VmEstablishSplit(int round, long linkId, double total, double detection, double region, double attach,
                               double guestDiscovery, double handshake, double verdict, double libvirt,
                               double libvirtCall, double agentLink, double agentUsable, double highwayHost,
                               double guestScanA,
                               double guestScanB, double guestSinceRequestA, double guestSinceRequestB,
                               double guestUserA, double guestUserB, double guestSysA, double guestSysB,
                               double guestCpuA, double guestCpuB, double guestKernelA, double guestKernelB,
                               double revert, boolean standby) {
    /** A value that could not be found. */
    public static final double NA = Double.NaN;
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final Pattern US = Pattern.compile("\\bus=(\\d+)");
    private static final Pattern LOOKUP_US = Pattern.compile("\\blookup_us=(\\d+)");
    private static final Pattern CALL_US = Pattern.compile("\\bcall_us=(\\d+)");
    private static final Pattern SCAN_US = Pattern.compile("\\bscan_us=(\\d+)");
    private static final Pattern SINCE_REQUEST_US = Pattern.compile("\\bsince_request_us=(\\d+)");
    private static final Pattern TOTAL_US = Pattern.compile("\\btotal_us=(\\d+)");
    private static final Pattern CPU_USER_US = Pattern.compile("\\bcpu_user_us=(\\d+)");
    private static final Pattern CPU_SYS_US = Pattern.compile("\\bcpu_sys_us=(\\d+)");
    private static final Pattern CPU_US = Pattern.compile("\\bcpu_us=(\\d+)");
    private static final Pattern MAP_SYSCALLS_US = Pattern.compile("\\bmap_syscalls_us=(\\d+)");

    /**
     * The split of {@code run} (which must have established) for a one-way link
     * {@code portA -> portB}.
     *
     * @param agentLog    the agent's log lines (all of them; the run's are found by time and link id)
     * @param mappedLineA guest A's PortRemap "mapped" line for the run's link, if it printed one
     * @param zone        the zone the agent's log timestamps are in
     */
    public static VmEstablishSplit of(EstablishCycles.Run run, List<String> agentLog, String portA, String portB,
                                      Optional<String> mappedLineA, Optional<String> mappedLineB, ZoneId zone) {
        if (!run.established()) {
            throw new IllegalArgumentException("run=" + run.index() + " did not establish: " + run.failure());
        }
        long sentWall = run.sentWallMillis();
        // the log's millisecond stamps are truncated, so an event right after the send may carry sentWall - 1
        long from = sentWall - 1;
        OptionalLong verdictWall = firstAt(agentLog, from, zone,
                l -> l.contains("point-to-point: " + portA + "(") && !l.contains("no longer point-to-point")
                        && l.contains("-> " + portB + "("));
        if (run.standby()) {
            return ofStandby(run, agentLog, zone, verdictWall);
        }
        OptionalLong startWall = firstAt(agentLog, from, zone, l -> l.contains("establishing link " + portA + " "));
        String shmem = "shmem=hwlink-" + run.linkId() + " ";
        long attachedWall = Long.MIN_VALUE;
        long libvirtUs = 0;
        long callUs = 0;
        int attaches = 0;
        boolean callUsComplete = true;
        for (String line : agentLog) {
            if (line.contains("attached domain=") && line.contains(shmem)) {
                OptionalLong at = time(line, zone);
                OptionalLong us = number(US, line);
                if (at.isEmpty() || us.isEmpty()) {
                    continue;
                }
                attaches++;
                attachedWall = Math.max(attachedWall, at.getAsLong());
                libvirtUs += us.getAsLong() + number(LOOKUP_US, line).orElse(0);
                OptionalLong call = number(CALL_US, line);
                callUsComplete &= call.isPresent();
                callUs += call.orElse(0);
            }
        }
        String published = "link=" + run.linkId() + " attach published:";
        OptionalLong supervisorUs = OptionalLong.empty();
        for (String line : agentLog) {
            if (line.contains(published)) {
                supervisorUs = number(TOTAL_US, line);
            }
        }
        double total = ms(run.firstFrame() - run.sent());
        double start = startWall.isPresent() ? startWall.getAsLong() - sentWall : NA;
        double regionAt = ms(run.region() - run.sent());
        double attachedAt = attaches > 0 ? attachedWall - sentWall : NA;
        double mappedAt = ms(run.mapped() - run.sent());
        // each boundary no earlier than the one before: the stages add up to the total
        double[] at = {0, start, regionAt, attachedAt, mappedAt, total};
        double[] stage = new double[5];
        double previous = 0;
        int previousIndex = 0;
        for (int i = 1; i < at.length; i++) {
            if (Double.isNaN(at[i])) {
                stage[i - 1] = NA;
                continue;
            }
            double clamped = Math.min(Math.max(at[i], previous), total);
            // an unknown boundary before this one: its stage and this one are told apart as na
            stage[i - 1] = previousIndex == i - 1 ? clamped - previous : NA;
            previous = clamped;
            previousIndex = i;
        }
        double libvirt = attaches > 0 ? libvirtUs / 1e3 : NA;
        double libvirtCall = attaches > 0 && callUsComplete ? callUs / 1e3 : NA;
        double agentUsable = Math.max(0, ms(run.usable() - run.mapped()));
        double agentLink = supervisorUs.isPresent() ? supervisorUs.getAsLong() / 1e3 : NA;
        double highwayHost = !Double.isNaN(agentLink) && !Double.isNaN(libvirt)
                ? stage[0] + Math.max(0, agentLink - libvirt) + agentUsable
                : stage[0] + stage[1] + Math.max(0, stage[2] - libvirt) + agentUsable;
        return new VmEstablishSplit(run.index(), run.linkId(), total, stage[0], stage[1], stage[2], stage[3], stage[4],
                verdictWall.isPresent() ? verdictWall.getAsLong() - sentWall : NA, libvirt, libvirtCall, agentLink,
                agentUsable,
                highwayHost, guestUs(SCAN_US, mappedLineA), guestUs(SCAN_US, mappedLineB),
                guestUs(SINCE_REQUEST_US, mappedLineA), guestUs(SINCE_REQUEST_US, mappedLineB),
                guestUs(CPU_USER_US, mappedLineA), guestUs(CPU_USER_US, mappedLineB),
                guestUs(CPU_SYS_US, mappedLineA), guestUs(CPU_SYS_US, mappedLineB),
                guestUs(CPU_US, mappedLineA), guestUs(CPU_US, mappedLineB),
                guestUs(MAP_SYSCALLS_US, mappedLineA), guestUs(MAP_SYSCALLS_US, mappedLineB),
                run.reverted() ? ms(run.revertDone() - run.revertSent()) : NA, false);
    }

    /** The split of a round whose link was a standby link (see the class comment). */
    private static VmEstablishSplit ofStandby(EstablishCycles.Run run, List<String> agentLog,
                                              ZoneId zone, OptionalLong verdictWall) {
        long sentWall = run.sentWallMillis();
        OptionalLong activatingWall = firstAt(agentLog, sentWall - 1, zone,
                l -> l.contains("activating standby link linkId=" + run.linkId() + " "));
        double total = ms(run.firstFrame() - run.sent());
        double detection = activatingWall.isPresent()
                ? Math.min(Math.max(0, activatingWall.getAsLong() - sentWall), total) : NA;
        double handshake = Double.isNaN(detection) ? NA : total - detection;
        double host = run.usable() != 0 ? Math.min(Math.max(0, ms(run.usable() - run.sent())), total) : NA;
        return new VmEstablishSplit(run.index(), run.linkId(), total, detection, 0, 0, 0, handshake,
                verdictWall.isPresent() ? verdictWall.getAsLong() - sentWall : NA, NA, NA, NA,
                Double.isNaN(host) || Double.isNaN(detection) ? NA : host - detection, host,
                NA, NA, NA, NA, NA, NA, NA, NA, NA, NA, NA, NA,
                run.reverted() ? ms(run.revertDone() - run.revertSent()) : NA, true);
    }

    /** The guest library's share: the slower guest's successful scan (list, map, validate). */
    public double guestLib() {
        return Double.isNaN(guestScanA) ? guestScanB : Double.isNaN(guestScanB) ? guestScanA : Math.max(guestScanA, guestScanB);
    }

    /** Whether guest A's scan is the one {@link #guestLib()} reports (B's when only B's is known). */
    private boolean slowerIsA() {
        return Double.isNaN(guestScanB) || (!Double.isNaN(guestScanA) && guestScanA >= guestScanB);
    }

    /**
     * The CPU the scan {@link #guestLib()} reports used (the library's instructions, as TCG
     * emulates them, and the guest kernel's work for it: open, mmap of the BAR); the rest of the
     * scan the thread waited for its vCPU. From the thread's CPU clock ({@code cpu_us}) where the
     * guest library logs it; else user plus system time, which a tick-sampling guest kernel
     * brings up to date only at its ticks (4 ms here), so that a scan between two ticks showed 0.
     */
    public double guestLibCpu() {
        if (standby) {
            return 0;
        }
        double precise = slowerIsA() ? guestCpuA : guestCpuB;
        if (!Double.isNaN(precise)) {
            return precise;
        }
        return slowerIsA() ? guestUserA + guestSysA : guestUserB + guestSysB;
    }

    /**
     * The guest kernel's part of that scan: the system calls that map the link device (open of
     * its sysfs {@code resource2}, fstat, mmap of the BAR, close; {@code map_syscalls_us}, wall
     * time inside them, which the scan's thread spends running as its CPU clock shows). 0 when an
     * older guest library does not log it.
     */
    public double guestKernel() {
        double kernel = slowerIsA() ? guestKernelA : guestKernelB;
        return Double.isNaN(kernel) ? 0 : Math.min(kernel, guestLibCpu());
    }

    /**
     * Highway's own share, what the target counts ("everything but the hypervisor's and the
     * guest kernel's share"): {@link #highwayHost()} plus the guest library's CPU without the guest
     * kernel's mapping system calls. Under TCG the library's CPU still holds the emulation's cost of
     * its instructions, which is the hypervisor's; it is counted as Highway's.
     */
    public double highway() {
        return highwayHost + guestLibCpu() - guestKernel();
    }

    /** {@link #highway()} with the guest kernel's mapping calls counted too (the key's meaning before 2026-11-23 05:30). */
    public double highwayWithGuestKernel() {
        return highwayHost + guestLibCpu();
    }

    /** The marker that starts a guest's PortRemap line for having mapped link {@code linkId} on {@code port}. */
    public static String mappedMarker(String port, long linkId) {
        return "port=" + port + " mapped LinkSession[linkId=" + linkId + ",";
    }

    /** {@code VM_AGENT_ESTABLISH round=N link=ID total_ms=... } with every key; "na" for what was not found. */
    public String line() {
        return "VM_AGENT_ESTABLISH round=" + round + " link=" + linkId + " total_ms=" + f(total) + " detection_ms="
                + f(detection) + " region_ms=" + f(region) + " attach_ms=" + f(attach) + " guest_discovery_ms="
                + f(guestDiscovery) + " handshake_ms=" + f(handshake) + " verdict_ms=" + f(verdict) + " libvirt_ms="
                + f(libvirt) + " libvirt_call_ms=" + f(libvirtCall) + " agent_link_ms=" + f(agentLink)
                + " agent_usable_ms=" + f(agentUsable)
                + " highway_host_ms=" + f(highwayHost) + " guest_lib_ms=" + f(guestLib()) + " guest_scan_ms_a="
                + f(guestScanA) + " guest_scan_ms_b=" + f(guestScanB) + " guest_since_request_ms_a="
                + f(guestSinceRequestA) + " guest_since_request_ms_b=" + f(guestSinceRequestB)
                + " guest_lib_cpu_ms=" + f(guestLibCpu()) + " guest_kernel_ms=" + f(guestKernel())
                + " highway_ms=" + f(highway()) + " highway_with_guest_kernel_ms=" + f(highwayWithGuestKernel())
                + " revert_ms=" + f(revert) + " standby=" + (standby ? 1 : 0);
    }

    private static String f(double value) {
        return Double.isNaN(value) ? "na" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double guestUs(Pattern key, Optional<String> line) {
        if (line.isEmpty()) {
            return NA;
        }
        OptionalLong us = number(key, line.get());
        return us.isPresent() ? us.getAsLong() / 1e3 : NA;
    }

    private static OptionalLong number(Pattern key, String line) {
        Matcher m = key.matcher(line);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /** The wall time (ms) of the first line at or after {@code fromWall} that matches. */
    private static OptionalLong firstAt(List<String> lines, long fromWall, ZoneId zone,
                                        java.util.function.Predicate<String> matches) {
        for (String line : lines) {
            if (matches.test(line)) {
                OptionalLong at = time(line, zone);
                if (at.isPresent() && at.getAsLong() >= fromWall) {
                    return at;
                }
            }
        }
        return OptionalLong.empty();
    }

    /** A log line's leading "yyyy-MM-dd HH:mm:ss.SSS" stamp in ms since the epoch, if it has one. */
    static OptionalLong time(String line, ZoneId zone) {
        if (line.length() < 23) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(LocalDateTime.parse(line.substring(0, 23), LOG_TIME).atZone(zone).toInstant()
                    .toEpochMilli());
        } catch (DateTimeParseException e) {
            return OptionalLong.empty();
        }
    }
}
