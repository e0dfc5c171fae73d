package dev.multikernel.host.state;

/**
 * One multikernel line of {@code /proc/iomem}: the pool, or an instance's region.
 *
 * @param start first byte (unsigned)
 * @param end   last byte, inclusive (unsigned)
 * @param name  {@code Multikernel Memory Pool} or {@code mk-instance-<id>-<name>-region-<n>}
 * @param depth nesting level (0 = top)
 */
public record IomemRange(long start, long end, String name, int depth) {

    /** Bytes covered ({@code end - start + 1}). */
    public long size() {
        return end - start + 1;
    }
}
