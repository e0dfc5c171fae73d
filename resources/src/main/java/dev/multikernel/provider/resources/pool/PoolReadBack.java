package dev.multikernel.provider.resources.pool;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.provider.plan.CpuTopology;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The pool as the host shows it, written in the user's form: what state records after a read,
 * create, update or import. The form comes from {@code wanted} (the prior state on refresh, the
 * plan on apply): a CPU list or a size that denotes what the host has is kept as written, so apply
 * followed by plan shows no difference; anything else is written canonically
 * ({@link CpuList#format()}, {@link ByteSize#format()}).
 */
final class PoolReadBack {
    private PoolReadBack() {}

    /** One {@code memory} entry of state. */
    record MemoryValue(String size, OptionalInt numaNode) {}

    /**
     * The values of state.
     *
     * @param cpus        {@code cpus}; empty for null
     * @param physicalIds {@code physical_cpu_ids}: the ids of {@code cpus} in logical order, then pool
     *                    CPUs whose logical number is not known
     * @param memory      {@code memory}; empty for null
     * @param devices     {@code devices} addresses; empty for null
     * @param unmapped    pool CPUs (physical ids) whose logical number is not known
     */
    record Values(
            Optional<String> cpus,
            List<Long> physicalIds,
            Optional<List<MemoryValue>> memory,
            Optional<List<String>> devices,
            List<Long> unmapped) {}

    /** A current-tree pool. */
    static Values current(LivePool live, CpuTopology mapping, PoolSpec wanted) {
        CpuTopology.Translated t = mapping.logical(live.cpus());
        Optional<String> cpus;
        if (wanted.cpus().isPresent() && wanted.cpus().get().set().equals(t.logical())) {
            cpus = Optional.of(wanted.cpus().get().text());
        } else if (wanted.cpus().isEmpty() && live.cpus().isEmpty()) {
            cpus = Optional.empty();
        } else {
            cpus = Optional.of(t.logical().format());
        }
        List<Long> ids = new ArrayList<>(mapping.physicalIds(t.logical()));
        ids.addAll(t.unmapped());

        Optional<List<MemoryValue>> memory;
        if (wanted.memory().isEmpty() && live.chunks().isEmpty()) {
            memory = Optional.empty();
        } else {
            List<PoolSpec.Memory> entries = wanted.memoryList();
            int[] match = MemoryMatch.match(entries, live.chunks(), c -> false);
            List<MemoryValue> out = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                if (match[i] >= 0) {
                    PoolChunk c = live.chunks().get(match[i]);
                    out.add(new MemoryValue(
                            entries.get(i).text(),
                            c.numaNode().isPresent()
                                    ? c.numaNode()
                                    : entries.get(i).numaNode()));
                }
            }
            for (PoolChunk c : MemoryMatch.unmatched(match, live.chunks())) {
                out.add(new MemoryValue(ByteSize.ofBytes(c.size()).format(), c.numaNode()));
            }
            memory = Optional.of(out);
        }

        Optional<List<String>> devices;
        if (wanted.devices().isEmpty() && live.devices().isEmpty()) {
            devices = Optional.empty();
        } else {
            Set<PciAddress> present = new HashSet<>(live.devices());
            List<String> out = new ArrayList<>();
            Set<PciAddress> kept = new HashSet<>();
            for (PoolSpec.Device d : wanted.deviceList()) {
                if (present.contains(d.address()) && kept.add(d.address())) {
                    out.add(d.text());
                }
            }
            for (PciAddress a : live.devices()) {
                if (!kept.contains(a)) {
                    out.add(a.toString());
                }
            }
            devices = Optional.of(out);
        }
        return new Values(cpus, List.copyOf(ids), memory, devices, t.unmapped());
    }

    /**
     * An RFC v2 pool: {@code poolBytes} reserved at boot, no CPUs, no devices. {@code memory} stays
     * null when state never had it (the configuration leaves it out), except on import.
     */
    static Values rfcV2(long poolBytes, PoolSpec wanted, boolean importing) {
        Optional<List<MemoryValue>> memory;
        if (wanted.memory().isPresent() && wanted.memoryTotal().bytes() == poolBytes) {
            memory = Optional.of(wanted.memoryList().stream()
                    .map(m -> new MemoryValue(m.text(), OptionalInt.empty()))
                    .toList());
        } else {
            // the boot-time pool as it is; memory is computed, so a configuration that leaves it out
            // keeps this value (created or imported alike)
            memory = Optional.of(
                    poolBytes > 0
                            ? List.of(
                                    new MemoryValue(ByteSize.ofBytes(poolBytes).format(), OptionalInt.empty()))
                            : List.of());
        }
        return new Values(Optional.empty(), List.of(), memory, Optional.empty(), List.of());
    }

    /** "2, 4, 6" */
    static String ids(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
