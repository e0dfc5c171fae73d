package dev.multikernel.host.devicetree.multikernel;

/**
 * Constants of the multikernel device tree formats (kernel-interface.md §2).
 */
public final class Multikernel {
    private Multikernel() {}

    /** Root {@code compatible} of every multikernel tree, both generations (§2). */
    public static final String COMPATIBLE = "multikernel-v1";
    /** Page size the kernel checks memory sizes against (x86). */
    public static final long PAGE_SIZE = 4096;
    /** Pool node path in the baseline, pool read-back and overlays (current tree, §2). */
    public static final String RESOURCES_PATH = "/resources";
    /** Instance namespace path (both generations). */
    public static final String INSTANCES_PATH = "/instances";
    /** Root property whose string an overlay's {@code tx_N/resources} file shows (§1). */
    public static final String RESOURCES_TAG_PROPERTY = "mk,resources";
    /**
     * Largest blob that reaches the kernel in one piece through a file without {@code
     * atomic_write_len}: RFC v2 root {@code device_tree} and current {@code overlays/new} (§1,
     * §7 caveat 3). Larger writes are split by kernfs and fail.
     */
    public static final int SINGLE_WRITE_LIMIT = 4096;
    /** Largest baseline the current root {@code device_tree} accepts ({@code atomic_write_len}). */
    public static final int BASELINE_WRITE_LIMIT = 1 << 20;
    /** Largest RFC v2 {@code memory-bytes}: one u32, page aligned (§2). */
    public static final long V2_MAX_MEMORY_BYTES = 0xFFFFF000L;

    static boolean pageAligned(long bytes) {
        return bytes % PAGE_SIZE == 0;
    }
}
