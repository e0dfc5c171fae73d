package dev.multikernel.provider.plan;

import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;

/** The host's CPUs: logical number, physical (APIC) id and NUMA node. Immutable. */
public final class Topology {
    /** The NUMA group of CPUs whose node is unknown (they are placed as if on their own node). */
    public static final int UNKNOWN_NODE = -1;

    private final Map<Integer, CpuInfo> byLogical;
    private final Map<Long, Integer> logicalByPhysical;

    private Topology(Collection<CpuInfo> cpus) {
        Map<Integer, CpuInfo> logical = new TreeMap<>();
        Map<Long, Integer> physical = new TreeMap<>();
        for (CpuInfo c : cpus) {
            if (!CpuList.isValidId(c.logical())) {
                throw new IllegalArgumentException("not a logical CPU number: " + c.logical());
            }
            if (logical.put(c.logical(), c) != null) {
                throw new IllegalArgumentException("CPU " + c.logical() + " is listed twice");
            }
            if (c.physical().isPresent() && physical.put(c.physical().getAsLong(), c.logical()) != null) {
                throw new IllegalArgumentException("APIC id " + c.physical().getAsLong() + " is listed twice");
            }
        }
        this.byLogical = Map.copyOf(logical);
        this.logicalByPhysical = Map.copyOf(physical);
    }

    public static Topology of(Collection<CpuInfo> cpus) {
        return new Topology(cpus);
    }

    /** A topology where physical id = logical number, on node 0 (tests, RFC v2 hosts). */
    public static Topology flat(int count) {
        List<CpuInfo> cpus = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            cpus.add(CpuInfo.of(i, i, 0));
        }
        return of(cpus);
    }

    public CpuList all() {
        return CpuList.of(byLogical.keySet());
    }

    public boolean exists(int logical) {
        return byLogical.containsKey(logical);
    }

    public OptionalLong physicalOf(int logical) {
        CpuInfo c = byLogical.get(logical);
        return c == null ? OptionalLong.empty() : c.physical();
    }

    public OptionalInt logicalOf(long physical) {
        Integer l = logicalByPhysical.get(physical);
        return l == null ? OptionalInt.empty() : OptionalInt.of(l);
    }

    /** The node of {@code logical}, {@link #UNKNOWN_NODE} when not known. */
    public int nodeOf(int logical) {
        CpuInfo c = byLogical.get(logical);
        return c == null || c.numaNode().isEmpty() ? UNKNOWN_NODE : c.numaNode().getAsInt();
    }

    /** The CPUs whose physical id is known. */
    public CpuList withPhysicalId() {
        return CpuList.of(byLogical.values().stream().filter(c -> c.physical().isPresent())
                .map(CpuInfo::logical).toList());
    }

    /** {@code cpus} split by NUMA node, nodes ascending (unknown first). */
    public Map<Integer, CpuList> byNode(CpuList cpus) {
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        for (int c : cpus) {
            groups.computeIfAbsent(nodeOf(c), n -> new ArrayList<>()).add(c);
        }
        Map<Integer, CpuList> out = new TreeMap<>();
        groups.forEach((n, l) -> out.put(n, CpuList.of(l)));
        return out;
    }

    /** Every node some CPU is on. */
    public List<Integer> nodes() {
        return byLogical.keySet().stream().map(this::nodeOf).distinct().sorted().toList();
    }

    /** "CPU 6 (APIC id 12)", or "CPU 6" when the APIC id is not known or equal. */
    public String describe(int logical) {
        OptionalLong p = physicalOf(logical);
        return p.isPresent() && p.getAsLong() != logical ? "CPU " + logical + " (APIC id " + p.getAsLong() + ")"
                : "CPU " + logical;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Topology t && byLogical.equals(t.byLogical);
    }

    @Override
    public int hashCode() {
        return byLogical.hashCode();
    }
}
