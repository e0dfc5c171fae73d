package dev.multikernel.host.devicetree.multikernel;

import java.util.Optional;

/** A device handed to the pool in the baseline: a node under {@code /resources/devices} (§2). */
public sealed interface BaselineDevice {
    /** The node name under {@code /resources/devices} (free-form). */
    String nodeName();

    /**
     * {@code device-type = "pci"} with {@code pci-id}, {@code vendor-id}, {@code device-id}.
     */
    record Pci(String nodeName, PciAddress pciId, int vendorId, int deviceId) implements BaselineDevice {
        /** Node name derived from the address as the kernel documentation does: {@code pci_0000_09_00_0}. */
        public static String defaultNodeName(PciAddress address) {
            return "pci_" + address.toString().replace(':', '_').replace('.', '_');
        }
    }

    /** {@code device-type = "platform"} named by {@code device-name} and/or {@code acpi-hid}. */
    record Platform(String nodeName, Optional<String> deviceName, Optional<String> acpiHid) implements BaselineDevice {
        public Platform {
            if (deviceName.isEmpty() && acpiHid.isEmpty()) {
                throw new IllegalArgumentException(
                        "platform device " + nodeName + " needs a device-name or an acpi-hid");
            }
        }
    }
}
