package dev.multikernel.host.devicetree.multikernel;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One {@code pci@N} item of {@code device-add}/{@code device-remove} (§2): {@code pci-id},
 * {@code alias} (only when adding to the pool), {@code driver} (only when adding to an instance,
 * e.g. {@code "vfio-pci"}), {@code flags}.
 */
public record PciItem(PciAddress pciId, Optional<String> alias, Optional<String> driver, OptionalInt flags) {

    public static PciItem of(String pciId) {
        return new PciItem(PciAddress.parse(pciId), Optional.empty(), Optional.empty(), OptionalInt.empty());
    }

    public static PciItem withAlias(String pciId, String alias) {
        return new PciItem(PciAddress.parse(pciId), Optional.of(alias), Optional.empty(), OptionalInt.empty());
    }

    public static PciItem withDriver(String pciId, String driver) {
        return new PciItem(PciAddress.parse(pciId), Optional.empty(), Optional.of(driver), OptionalInt.empty());
    }
}
