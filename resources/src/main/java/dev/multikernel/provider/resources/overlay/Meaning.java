package dev.multikernel.provider.resources.overlay;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.provider.resources.AttributeProblem;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import dev.multikernel.provider.values.InvalidValueException;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.spi.TfObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What an overlay attribute value means, so that another spelling of the same value ({@code
 * "7,4-6"} for {@code "4-7"}, {@code "1024MiB"} for {@code "1GiB"}, upper-case PCI addresses) is
 * no change. Values that do not parse mean themselves.
 */
final class Meaning {
    private Meaning() {}

    static final List<String> OPERATIONS = List.of(
            OverlaySpec.CPU_ADD,
            OverlaySpec.CPU_REMOVE,
            OverlaySpec.MEMORY_ADD,
            OverlaySpec.MEMORY_REMOVE,
            OverlaySpec.DEVICE_ADD,
            OverlaySpec.DEVICE_REMOVE);

    /** Whether two values of one attribute mean the same. */
    static boolean same(CtyValue a, CtyValue b) {
        if (a.equals(b)) {
            return true;
        }
        if (!a.isWhollyKnown() || !b.isWhollyKnown()) {
            return false;
        }
        return Objects.equals(of(a), of(b));
    }

    /** Whether {@code a} and {@code b} describe the same transaction on the same host. */
    static boolean sameOverlay(TfObject a, TfObject b) {
        if (!a.get("host").equals(b.get("host")) || !a.get(OverlaySpec.INSTANCE).equals(b.get(OverlaySpec.INSTANCE))) {
            return false;
        }
        for (String name : OPERATIONS) {
            if (!same(a.get(name), b.get(name))) {
                return false;
            }
        }
        return true;
    }

    /** A canonical form; null and an empty value are the same (nothing to do). */
    static Object of(CtyValue v) {
        if (v.isNull()) {
            return List.of();
        }
        if (v instanceof CtyValue.Str s) {
            try {
                CpuList cpus = CpuList.parse(s.value());
                return cpus.isEmpty() ? List.of() : cpus;
            } catch (InvalidValueException e) {
                return s.value();
            }
        }
        if (v instanceof CtyValue.ListVal l) {
            if (l.elements().isEmpty()) {
                return List.of();
            }
            if (l.elements().get(0) instanceof CtyValue.Str) {
                // device lists: order does not change what the transaction does
                HashSet<Object> out = new HashSet<>();
                for (CtyValue e : l.elements()) {
                    out.add(device(e));
                }
                return out;
            }
            List<Object> out = new ArrayList<>();
            for (CtyValue e : l.elements()) {
                out.add(memory(e));
            }
            return out;
        }
        return v;
    }

    private static Object device(CtyValue e) {
        if (!(e instanceof CtyValue.Str s)) {
            return e;
        }
        try {
            return PciAddress.parse(s.value().strip());
        } catch (IllegalArgumentException x) {
            return s.value();
        }
    }

    /** A memory_add or memory_remove item: its size, address and node as numbers. */
    private static Object memory(CtyValue e) {
        if (!(e instanceof CtyValue.ObjectVal o)) {
            return e;
        }
        List<Object> out = new ArrayList<>();
        for (var entry : o.attributes().entrySet()) {
            CtyValue v = entry.getValue();
            Object meaning = v;
            if (v instanceof CtyValue.Str s) {
                if (entry.getKey().equals(OverlaySpec.SIZE)) {
                    try {
                        meaning = ByteSize.parse(s.value()).bytes();
                    } catch (InvalidValueException x) {
                        meaning = s.value();
                    }
                } else if (entry.getKey().equals(OverlaySpec.BASE)) {
                    List<AttributeProblem> ignored = new ArrayList<>();
                    var a = OverlaySpec.address(s.value(), dev.tfjvm.cty.CtyPath.ROOT, "", ignored);
                    meaning = a.isPresent() ? (Object) a.getAsLong() : s.value();
                }
            }
            out.add(List.of(entry.getKey(), meaning));
        }
        return out;
    }
}
