package dev.multikernel.host.devicetree;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole flattened device tree: memory reservations, the root node and the boot CPU id from
 * the FDT header.
 *
 * @param reservations memory reservation block entries, in order
 * @param root the root node (its name is empty)
 * @param bootCpuId {@code boot_cpuid_phys} from the header (dtc writes 0 unless told otherwise)
 */
public record DeviceTree(List<MemoryReservation> reservations, Node root, int bootCpuId) {

    public DeviceTree {
        reservations = List.copyOf(reservations);
        Objects.requireNonNull(root, "root");
        if (!root.name().isEmpty()) {
            throw new IllegalArgumentException("the root node's name must be empty, not \"" + root.name() + "\"");
        }
    }

    /** A tree with just {@code root}, no reservations and boot CPU 0. */
    public static DeviceTree of(Node root) {
        return new DeviceTree(List.of(), root, 0);
    }

    /** The node at the absolute {@code path} ("/" is the root). */
    public Optional<Node> find(String path) {
        return root.find(path);
    }

    /** A copy with another root. */
    public DeviceTree withRoot(Node newRoot) {
        return new DeviceTree(reservations, newRoot, bootCpuId);
    }

    /** True if the root has an overlay fragment ({@code fragment@N} with {@code __overlay__}). */
    public boolean isOverlay() {
        for (Node c : root.children()) {
            if (c.baseName().equals("fragment") && c.child("__overlay__").isPresent()) {
                return true;
            }
        }
        return false;
    }
}
