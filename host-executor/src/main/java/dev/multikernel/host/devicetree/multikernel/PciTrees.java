package dev.multikernel.host.devicetree.multikernel;

import dev.multikernel.host.devicetree.DeviceTreeException;
import dev.multikernel.host.devicetree.Node;
import dev.multikernel.host.devicetree.Property;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PCI host bridge subtrees of the read-back trees (§2 "Devices"): {@code pci@<domain>} with
 * {@code compatible = "multikernel,pci-host-bridge"}, bridges {@code pci@<dev>,<fn>} with
 * {@code bus-range}, devices {@code pci@<dev>,<fn>} with {@code reg}, {@code vendor-id},
 * {@code device-id}. The first {@code reg} cell is {@code bus << 16 | dev << 11 | fn << 8} as the
 * PCI binding prescribes. Windows ({@code ranges}) and ECAM {@code reg} are not modelled.
 */
final class PciTrees {
    private PciTrees() {}

    static final String HOST_BRIDGE_COMPATIBLE = "multikernel,pci-host-bridge";

    static String unitName(int device, int function) {
        return "pci@" + Integer.toHexString(device) + "," + Integer.toHexString(function);
    }

    private static int regCell(int bus, int device, int function) {
        return (bus << 16) | (device << 11) | (function << 8);
    }

    /** Host bridge nodes for {@code devices}, one per domain, in first-seen order. */
    static List<Node> hostBridges(List<PciFunction> devices) {
        Map<Integer, MutableNode> roots = new LinkedHashMap<>();
        for (PciFunction f : devices) {
            int domain = f.address().domain();
            MutableNode root = roots.computeIfAbsent(domain, d -> {
                MutableNode n = new MutableNode("pci@" + Integer.toHexString(d));
                n.props.add(Property.string("compatible", HOST_BRIDGE_COMPATIBLE));
                n.props.add(Property.string("device_type", "pci"));
                n.props.add(Property.u32("#address-cells", 3));
                n.props.add(Property.u32("#size-cells", 2));
                n.props.add(Property.u32("linux,pci-domain", d));
                n.props.add(Property.u32("bus-range", 0, 0xff));
                return n;
            });
            MutableNode cur = root;
            int bus = 0;
            for (PciFunction.Bridge b : f.bridges()) {
                String name = unitName(b.device(), b.function());
                MutableNode next = cur.child(name);
                if (next == null) {
                    next = new MutableNode(name);
                    next.props.add(Property.string("device_type", "pci"));
                    next.props.add(Property.u32("#address-cells", 3));
                    next.props.add(Property.u32("#size-cells", 2));
                    next.props.add(Property.u32("reg", regCell(bus, b.device(), b.function()), 0, 0, 0, 0));
                    next.props.add(Property.u32("bus-range", b.secondaryBus(), b.secondaryBus()));
                    cur.children.add(next);
                }
                cur = next;
                bus = b.secondaryBus();
            }
            PciAddress a = f.address();
            MutableNode leaf = new MutableNode(unitName(a.device(), a.function()));
            leaf.props.add(Property.u32("reg", regCell(a.bus(), a.device(), a.function()), 0, 0, 0, 0));
            leaf.props.add(Property.u32("vendor-id", f.vendorId()));
            leaf.props.add(Property.u32("device-id", f.deviceId()));
            if (cur.child(leaf.name) != null) {
                throw new IllegalArgumentException("two PCI functions at " + f.nodePath()
                        + "; give the bridges on their paths to tell them apart");
            }
            cur.children.add(leaf);
        }
        List<Node> out = new ArrayList<>();
        roots.values().forEach(r -> out.add(r.freeze()));
        return out;
    }

    /** Every PCI function under the root's {@code pci@...} host bridges. */
    static List<PciFunction> read(Node root) throws DeviceTreeException {
        List<PciFunction> out = new ArrayList<>();
        for (Node host : root.children()) {
            if (!host.baseName().equals("pci")) {
                continue;
            }
            String hpath = "/" + host.name();
            int domain = Props.optU32(host, hpath, "linux,pci-domain").orElse(0);
            if (domain < 0 || domain > 0xffff) {
                throw new DeviceTreeException(
                        hpath + ": linux,pci-domain " + Integer.toUnsignedString(domain) + " is out of range");
            }
            walk(host, hpath, domain, new ArrayList<>(), out, 0);
        }
        return out;
    }

    private static void walk(
            Node bus, String path, int domain, List<PciFunction.Bridge> bridges, List<PciFunction> out, int depth)
            throws DeviceTreeException {
        for (Node child : bus.children()) {
            String cpath = path + "/" + child.name();
            Optional<Property> reg = child.property("reg");
            if (reg.isEmpty()) {
                continue;
            }
            int[] cells;
            try {
                cells = reg.get().asU32Cells();
            } catch (DeviceTreeException e) {
                throw Props.wrap(cpath, e);
            }
            if (cells.length < 1) {
                throw new DeviceTreeException(cpath + ": reg is empty");
            }
            int hi = cells[0];
            int busNo = (hi >>> 16) & 0xff;
            int dev = (hi >>> 11) & 0x1f;
            int fn = (hi >>> 8) & 0x7;
            if (child.hasProperty("vendor-id")) {
                out.add(new PciFunction(
                        new PciAddress(domain, busNo, dev, fn),
                        Props.u32(child, cpath, "vendor-id"),
                        Props.u32(child, cpath, "device-id"),
                        bridges));
            } else if (!child.children().isEmpty()) {
                List<Integer> range = Props.u32List(child, cpath, "bus-range");
                if (range.size() != 2) {
                    throw new DeviceTreeException(cpath + ": bus-range must be two cells");
                }
                List<PciFunction.Bridge> deeper = new ArrayList<>(bridges);
                deeper.add(new PciFunction.Bridge(dev, fn, range.get(0) & 0xff));
                walk(child, cpath, domain, deeper, out, depth + 1);
            }
        }
    }

    private static final class MutableNode {
        final String name;
        final List<Property> props = new ArrayList<>();
        final List<MutableNode> children = new ArrayList<>();

        MutableNode(String name) {
            this.name = name;
        }

        MutableNode child(String childName) {
            for (MutableNode c : children) {
                if (c.name.equals(childName)) {
                    return c;
                }
            }
            return null;
        }

        Node freeze() {
            List<Node> kids = new ArrayList<>();
            children.forEach(c -> kids.add(c.freeze()));
            return new Node(name, props, kids);
        }
    }
}
