package org.ovshighway.guest.abi;

/**
 * What {@link RegionValidator} read from a region and checked: private copies, never re-read.
 *
 * @param identity kind, generation, link id, names
 * @param layout   every offset and size, all inside the mapped size
 */
public record ValidatedRegion(RegionIdentity identity, RegionLayout layout) {
}
