package dev.multikernel.host.devicetree.multikernel;

import dev.multikernel.host.devicetree.DeviceTreeException;
import dev.multikernel.host.devicetree.Node;
import dev.multikernel.host.devicetree.Property;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Typed property access whose errors name the node path and the property. */
final class Props {
    private Props() {}

    static Property require(Node node, String path, String name) throws DeviceTreeException {
        return node.property(name)
                .orElseThrow(() -> new DeviceTreeException(path + ": missing required property \"" + name + "\""));
    }

    static DeviceTreeException wrap(String path, DeviceTreeException e) {
        return new DeviceTreeException(path + ": " + e.getMessage(), e);
    }

    static int u32(Node node, String path, String name) throws DeviceTreeException {
        try {
            return require(node, path, name).asU32();
        } catch (DeviceTreeException e) {
            throw e.getMessage().startsWith(path) ? e : wrap(path, e);
        }
    }

    static OptionalInt optU32(Node node, String path, String name) throws DeviceTreeException {
        Optional<Property> p = node.property(name);
        if (p.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(p.get().asU32());
        } catch (DeviceTreeException e) {
            throw wrap(path, e);
        }
    }

    static long u64(Node node, String path, String name) throws DeviceTreeException {
        Property p = require(node, path, name);
        try {
            return p.asU64();
        } catch (DeviceTreeException e) {
            throw wrap(path, e);
        }
    }

    static OptionalLong optU64(Node node, String path, String name) throws DeviceTreeException {
        Optional<Property> p = node.property(name);
        if (p.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(p.get().asU64());
        } catch (DeviceTreeException e) {
            throw wrap(path, e);
        }
    }

    static List<Long> u64List(Node node, String path, String name) throws DeviceTreeException {
        Property p = require(node, path, name);
        try {
            return p.asU64List();
        } catch (DeviceTreeException e) {
            throw wrap(path, e);
        }
    }

    static List<Integer> u32List(Node node, String path, String name) throws DeviceTreeException {
        Property p = require(node, path, name);
        try {
            return p.asU32List();
        } catch (DeviceTreeException e) {
            throw wrap(path, e);
        }
    }

    static String string(Node node, String path, String name) throws DeviceTreeException {
        Property p = require(node, path, name);
        try {
            return p.asString();
        } catch (DeviceTreeException e) {
            throw wrap(path, e);
        }
    }

    static Optional<String> optString(Node node, String path, String name) throws DeviceTreeException {
        Optional<Property> p = node.property(name);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(p.get().asString());
        } catch (DeviceTreeException e) {
            throw wrap(path, e);
        }
    }

    static Node requireChild(Node node, String path, String name) throws DeviceTreeException {
        return node.child(name)
                .orElseThrow(() -> new DeviceTreeException(path + ": missing required node \"" + name + "\""));
    }

    static String childPath(String parent, String child) {
        return parent.equals("/") ? "/" + child : parent + "/" + child;
    }

    /** NUMA node id check shared by the readers (numa-node-id is one u32 cell). */
    static OptionalInt numaNode(Node node, String path) throws DeviceTreeException {
        return optU32(node, path, "numa-node-id");
    }
}
