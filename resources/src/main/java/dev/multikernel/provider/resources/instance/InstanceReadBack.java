package dev.multikernel.provider.resources.instance;

import static dev.multikernel.provider.resources.instance.InstanceSchema.*;

import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.provider.kernel.CurrentInterface;
import dev.multikernel.provider.kernel.KernelInterface;
import dev.multikernel.provider.kernel.RfcV2Interface;
import dev.multikernel.provider.plan.HostInstance;
import dev.multikernel.provider.plan.HostView;
import dev.multikernel.provider.plan.MemoryChunk;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import dev.multikernel.provider.values.InvalidValueException;
import dev.tfjvm.spi.TfObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Turns what the host shows of one instance into resource state, in the form the user wrote:
 * a CPU list or size that means the same as the one in state keeps the user's spelling, so
 * reading back never shows a change that is not one.
 */
final class InstanceReadBack {
    private InstanceReadBack() {}

    /**
     * @param base  the state to update: prior state on refresh, planned values after apply, an
     *              empty object with defaults on import
     * @param host  the {@code host} string as configured
     */
    static TfObject describe(
            TfObject base, String host, HostState state, InstanceState instance, OverlayAdjustment adjustment) {
        HostView view = HostView.from(host, state);
        HostInstance onHost = view.instance(instance.name())
                .orElseGet(() -> new HostInstance(
                        instance.name(), instance.id(), instance.status(), CpuList.EMPTY, List.of(), List.of()));
        CpuList cpus = adjustment.cpus(onHost.cpus());
        List<Long> physical = physicalIds(state, instance, cpus, view);
        long memoryBytes = adjustment.memoryBytes(onHost.memoryBytes());

        TfObject o = base.with(ID, host + ":" + instance.name())
                .with(NAME, instance.name())
                .with(
                        INSTANCE_ID,
                        instance.id().isPresent()
                                ? (Object) (long) instance.id().getAsInt()
                                : base.isKnown(INSTANCE_ID)
                                        ? base.longValue(INSTANCE_ID).orElse(null)
                                        : null)
                .with(CPUS, sameCpus(knownString(base, CPUS), cpus))
                .with(CPU_COUNT, recordsCount(base) ? (Object) (long) cpus.size() : null)
                .with(PHYSICAL_CPU_IDS, physical)
                .with(MEMORY, sameSize(knownString(base, MEMORY), memoryBytes))
                .with(STATUS, instance.statusText())
                .with(DESIRED_STATE, DesiredState.readBack(instance.status(), instance.statusText()))
                .with(GENERATION, KernelInterface.of(state).wireName())
                .with(BOOT_ID, state.bootId());
        if (base.isKnown(NUMA_NODE) && base.longValue(NUMA_NODE).isPresent()) {
            OptionalInt node = onHost.memory().stream()
                    .map(MemoryChunk::numaNode)
                    .filter(OptionalInt::isPresent)
                    .findFirst()
                    .orElse(OptionalInt.empty());
            if (node.isPresent()) {
                o = o.with(NUMA_NODE, (long) node.getAsInt());
            }
        }
        List<PciAddress> devices = adjustment.devices(onHost.devices());
        if (KernelInterface.of(state) instanceof CurrentInterface && !(devices.isEmpty() && base.isNull(DEVICES))) {
            o = o.with(DEVICES, devices(base, devices));
        }
        return o;
    }

    /**
     * Whether state records {@code cpu_count}: only when the user asks for a number of CPUs (state,
     * plan or import base holds one). An instance configured with {@code cpus} has a null
     * {@code cpu_count}, so a resize does not show a second, derived change, and an import (which
     * records {@code cpus}) generates a configuration with {@code cpus} alone.
     */
    static boolean recordsCount(TfObject base) {
        return !base.isKnown(CPU_COUNT) || !base.isNull(CPU_COUNT);
    }

    /** {@code attribute} of {@code object} when it is known and set. */
    static Optional<String> knownString(TfObject object, String attribute) {
        return object.isKnown(attribute) ? object.string(attribute) : Optional.empty();
    }

    /** The CPUs of a state value; empty when absent or malformed. */
    static CpuList parseCpus(Optional<String> text) {
        try {
            return text.isPresent() ? CpuList.parse(text.get()) : CpuList.EMPTY;
        } catch (InvalidValueException e) {
            return CpuList.EMPTY;
        }
    }

    /** The bytes of a state size value; 0 when absent or malformed. */
    static long parseBytes(Optional<String> text) {
        try {
            return text.isPresent() ? ByteSize.parse(text.get()).bytes() : 0;
        } catch (InvalidValueException e) {
            return 0;
        }
    }

    /** The user's string when it names the same CPUs; else the compact list. */
    static String sameCpus(Optional<String> written, CpuList actual) {
        if (written.isPresent()) {
            try {
                if (CpuList.parse(written.get()).equals(actual)) {
                    return written.get();
                }
            } catch (InvalidValueException e) {
                // not the user's form any more: fall through to the canonical one
            }
        }
        return actual.format();
    }

    /** The user's size string when it is the same number of bytes; null for no memory. */
    static String sameSize(Optional<String> written, long bytes) {
        if (written.isPresent()) {
            try {
                if (ByteSize.parse(written.get()).bytes() == bytes) {
                    return written.get();
                }
            } catch (InvalidValueException e) {
                // fall through
            }
        }
        return bytes == 0 && written.isEmpty() ? null : ByteSize.ofBytes(bytes).format();
    }

    /** Devices in the order state lists them, keeping the configured drivers, then any new ones. */
    private static List<TfObject> devices(TfObject base, List<PciAddress> actual) {
        Map<PciAddress, TfObject> written = new LinkedHashMap<>();
        for (TfObject d : base.objects(DEVICES)) {
            d.string(DEVICE_ADDRESS).ifPresent(a -> {
                try {
                    written.put(PciAddress.parse(a), d);
                } catch (IllegalArgumentException e) {
                    // not a device any more
                }
            });
        }
        List<TfObject> out = new ArrayList<>();
        for (Map.Entry<PciAddress, TfObject> e : written.entrySet()) {
            if (actual.contains(e.getKey())) {
                out.add(e.getValue());
            }
        }
        for (PciAddress a : actual) {
            if (!written.containsKey(a)) {
                out.add(base.newNested(DEVICES).with(DEVICE_ADDRESS, a.toString()));
            }
        }
        return out;
    }

    private static List<Long> physicalIds(HostState state, InstanceState instance, CpuList cpus, HostView view) {
        if (KernelInterface.of(state) instanceof RfcV2Interface) {
            return cpus.stream().mapToObj(c -> (long) c).toList();
        }
        List<Long> ids = new ArrayList<>();
        for (int c : cpus) {
            view.topology().physicalOf(c).ifPresent(ids::add);
        }
        if (ids.size() != cpus.size()) {
            // the host lacks the mapping of some CPU: the tree's own ids are still right
            return instance.deviceTree()
                    .flatMap(d -> d.value())
                    .map(InstanceTree::cpus)
                    .map(l -> l.stream().sorted().toList())
                    .orElse(ids);
        }
        return ids;
    }
}
