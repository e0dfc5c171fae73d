package dev.multikernel.host.devicetree.multikernel;

import dev.multikernel.host.devicetree.DeviceTreeException;
import dev.multikernel.host.devicetree.Node;
import dev.multikernel.host.devicetree.Property;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Shared rendering and reading of {@code /resources/devices} and {@code /aliases}. */
final class Devices {
    private Devices() {}

    static Node deviceNode(BaselineDevice device) {
        Node.Builder b = Node.builder(device.nodeName());
        if (device instanceof BaselineDevice.Pci pci) {
            b.string("device-type", "pci")
                    .string("pci-id", pci.pciId().toString())
                    .u32("vendor-id", pci.vendorId())
                    .u32("device-id", pci.deviceId());
        } else if (device instanceof BaselineDevice.Platform p) {
            b.string("device-type", "platform");
            p.deviceName().ifPresent(n -> b.string("device-name", n));
            p.acpiHid().ifPresent(h -> b.string("acpi-hid", h));
        }
        return b.build();
    }

    static List<BaselineDevice> readDevices(Node devices, String path) throws DeviceTreeException {
        List<BaselineDevice> out = new ArrayList<>();
        for (Node d : devices.children()) {
            out.add(readDevice(d, Props.childPath(path, d.name())));
        }
        return List.copyOf(out);
    }

    static BaselineDevice readDevice(Node d, String path) throws DeviceTreeException {
        String type = Props.string(d, path, "device-type");
        switch (type) {
            case "pci": {
                PciAddress address = pciAddress(d, path, "pci-id");
                return new BaselineDevice.Pci(
                        d.name(), address, Props.u32(d, path, "vendor-id"), Props.u32(d, path, "device-id"));
            }
            case "platform": {
                Optional<String> name = Props.optString(d, path, "device-name");
                Optional<String> hid = Props.optString(d, path, "acpi-hid");
                if (name.isEmpty() && hid.isEmpty()) {
                    throw new DeviceTreeException(
                            path + ": a platform device needs \"device-name\" or" + " \"acpi-hid\"");
                }
                return new BaselineDevice.Platform(d.name(), name, hid);
            }
            default:
                throw new DeviceTreeException(path + ": device-type \"" + type + "\" is not \"pci\" or \"platform\"");
        }
    }

    static PciAddress pciAddress(Node node, String path, String property) throws DeviceTreeException {
        String text = Props.string(node, path, property);
        try {
            return PciAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new DeviceTreeException(path + ": property \"" + property + "\": " + e.getMessage(), e);
        }
    }

    static Node aliasesNode(Map<String, String> aliases) {
        Node.Builder b = Node.builder("aliases");
        aliases.forEach(b::string);
        return b.build();
    }

    static Map<String, String> readAliases(Node root) throws DeviceTreeException {
        Map<String, String> out = new LinkedHashMap<>();
        Optional<Node> aliases = root.child("aliases");
        if (aliases.isPresent()) {
            for (Property p : aliases.get().properties()) {
                try {
                    out.put(p.name(), p.asString());
                } catch (DeviceTreeException e) {
                    throw new DeviceTreeException("/aliases: " + e.getMessage(), e);
                }
            }
        }
        return out;
    }
}
