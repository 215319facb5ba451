/**
 * Highway's guest poll-mode library: what a VNF links to use Highway regions.
 * {@code org.ovshighway.guest} is the application API; {@code org.ovshighway.guest.abi} the
 * region ABI shared with the host side.
 */
module org.ovshighway.guest {
    exports org.ovshighway.guest.abi;
}
