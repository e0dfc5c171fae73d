package dev.multikernel.provider.resources.instance;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code multikernel_overlay} transactions changed on an instance. The instance resource
 * takes it out of what it reads back, so an overlay's change is not drift of the instance.
 *
 * @param cpusAdded      logical CPUs the overlays added
 * @param cpusRemoved    logical CPUs they removed
 * @param memoryAdded    bytes they added
 * @param memoryRemoved  bytes they removed
 * @param devicesAdded   devices they lent the instance
 * @param devicesRemoved devices they took away
 */
record OverlayAdjustment(
        CpuList cpusAdded,
        CpuList cpusRemoved,
        long memoryAdded,
        long memoryRemoved,
        List<PciAddress> devicesAdded,
        List<PciAddress> devicesRemoved) {

    static OverlayAdjustment none() {
        return new OverlayAdjustment(CpuList.EMPTY, CpuList.EMPTY, 0, 0, List.of(), List.of());
    }

    CpuList cpus(CpuList actual) {
        return actual.minus(cpusAdded).union(cpusRemoved);
    }

    long memoryBytes(long actual) {
        return Math.max(0, actual - memoryAdded + memoryRemoved);
    }

    List<PciAddress> devices(List<PciAddress> actual) {
        List<PciAddress> out = new ArrayList<>(actual);
        out.removeAll(devicesAdded);
        for (PciAddress d : devicesRemoved) {
            if (!out.contains(d)) {
                out.add(d);
            }
        }
        return out;
    }
}
