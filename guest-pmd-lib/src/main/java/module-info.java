/**
 * Highway's guest poll-mode library: what a VNF links to use Highway regions.
 * {@code org.ovshighway.guest} is the application API; {@code org.ovshighway.guest.abi} the
 * region ABI shared with the host side; {@code org.ovshighway.guest.ring} the single-ring data
 * path (for the host side, benchmarks and ring ports); {@code org.ovshighway.guest.mapping}
 * mapping region files and finding ivshmem devices.
 */
module org.ovshighway.guest {
    exports org.ovshighway.guest;
    exports org.ovshighway.guest.abi;
    exports org.ovshighway.guest.ring;
    exports org.ovshighway.guest.mapping;
    exports org.ovshighway.guest.remap;
}
