package dev.multikernel.host.devicetree.multikernel;

import java.util.List;

/**
 * A PCI device as the pool and instance read-back trees place it (§2 "Devices"): a leaf under
 * its host bridge {@code pci@<domain>}, below the bridges on its path.
 *
 * @param address domain, bus, device, function
 * @param vendorId {@code vendor-id}
 * @param deviceId {@code device-id}
 * @param bridges bridges from the root bus down to the device's bus, outermost first; empty for
 *     a device on the root bus (or when the topology is not modelled)
 */
public record PciFunction(PciAddress address, int vendorId, int deviceId, List<Bridge> bridges) {

    public PciFunction {
        bridges = List.copyOf(bridges);
    }

    public static PciFunction of(String pciId, int vendorId, int deviceId) {
        return new PciFunction(PciAddress.parse(pciId), vendorId, deviceId, List.of());
    }

    /**
     * A PCI-to-PCI bridge on the path: its device and function on the parent bus and the bus
     * behind it ({@code bus-range = <secondary secondary>}).
     */
    public record Bridge(int device, int function, int secondaryBus) {}

    /** Absolute path of the device node, e.g. {@code /pci@0/pci@3,0/pci@0,0}. */
    public String nodePath() {
        StringBuilder sb = new StringBuilder("/pci@").append(Integer.toHexString(address.domain()));
        for (Bridge b : bridges) {
            sb.append("/").append(PciTrees.unitName(b.device(), b.function()));
        }
        return sb.append("/")
                .append(PciTrees.unitName(address.device(), address.function()))
                .toString();
    }
}
