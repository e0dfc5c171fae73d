package dev.multikernel.host.state;

import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One kernel instance under {@code /sys/fs/multikernel/instances}.
 *
 * @param name             its directory name
 * @param id               its id, when readable
 * @param status           its lifecycle state
 * @param statusText       the status word as the kernel printed it
 * @param deviceTree       current tree: its device tree (what it owns), parsed
 * @param deviceTreeSource RFC v2: the DTS text the kernel rebuilt
 */
public record InstanceState(
        String name,
        OptionalInt id,
        InstanceStatus status,
        String statusText,
        Optional<DeviceTreeBlob<InstanceTree>> deviceTree,
        Optional<String> deviceTreeSource) {
    /**
     * The highest instance id: the width of the id field of {@code kexec_file_load}
     * ({@code KEXEC_MK_ID}, kernel-interface.md §1). The one place this limit is written.
     */
    public static final int MAX_ID = 2047;
}
