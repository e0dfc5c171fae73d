package dev.multikernel.provider.plan;

import dev.multikernel.host.state.CpuState;
import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The host's CPUs: logical number ↔ physical (APIC) id, NUMA node, online. The one CPU topology of
 * the provider (docs/design/cpu-naming.md): the planner, the resources, the data sources and the
 * overlay checks all translate through it. The host reports APIC ids only for CPUs it saw online
 * and pool CPUs are offline, so {@link #withRemembered} completes it with the pairs the provider
 * kept in state; what the host reports wins where both know a CPU. Immutable.
 */
public final class CpuTopology {
    /** The NUMA group of CPUs whose node is unknown (they are placed as if on their own node). */
    public static final int UNKNOWN_NODE = -1;

    private final Map<Integer, CpuInfo> byLogical;
    private final Map<Long, Integer> logicalByPhysical;

    private CpuTopology(Collection<CpuInfo> cpus) {
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

    public static CpuTopology of(Collection<CpuInfo> cpus) {
        return new CpuTopology(cpus);
    }

    /**
     * The topology a host reports ({@code mkctl state}). CPUs whose number no CPU list can hold
     * are left out, and an APIC id reported twice counts for its first CPU only.
     */
    public static CpuTopology from(Collection<CpuState> cpus) {
        List<CpuInfo> infos = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        Set<Long> ids = new HashSet<>();
        for (CpuState c : cpus) {
            if (!CpuList.isValidId(c.cpu()) || !seen.add(c.cpu())) {
                continue;
            }
            OptionalLong apic =
                    c.apicId().isPresent() && ids.add((long) c.apicId().getAsInt())
                            ? OptionalLong.of(c.apicId().getAsInt())
                            : OptionalLong.empty();
            infos.add(new CpuInfo(c.cpu(), apic, c.numaNode(), c.online()));
        }
        return new CpuTopology(infos);
    }

    /** A topology where physical id = logical number, on node 0 (tests, RFC v2 hosts). */
    public static CpuTopology flat(int count) {
        List<CpuInfo> cpus = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            cpus.add(CpuInfo.of(i, i, 0));
        }
        return of(cpus);
    }

    /**
     * This topology completed with {@code remembered} logical → physical pairs (kept in state);
     * a pair is ignored where it contradicts the host (a CPU it does not have, a CPU or an id it
     * maps otherwise).
     */
    public CpuTopology withRemembered(Map<Integer, Long> remembered) {
        Map<Integer, CpuInfo> out = new TreeMap<>(byLogical);
        Set<Long> taken = new HashSet<>(logicalByPhysical.keySet());
        new TreeMap<>(remembered).forEach((l, p) -> {
            CpuInfo c = out.get(l);
            if (c != null && c.physical().isEmpty() && !taken.contains(p)) {
                out.put(l, new CpuInfo(l, OptionalLong.of(p), c.numaNode(), c.online()));
                taken.add(p);
            }
        });
        return new CpuTopology(out.values());
    }

    /**
     * The pairs a state records: the i-th CPU of {@code cpus} (ascending) has the i-th id of
     * {@code physicalIds}. Ids past the CPUs (pool CPUs whose logical number was not known) pair
     * with nothing; a {@code cpus} that does not parse gives no pairs.
     */
    public static Map<Integer, Long> pairs(String cpus, List<Long> physicalIds) {
        Map<Integer, Long> out = new HashMap<>();
        try {
            List<Integer> logical = CpuList.parse(cpus).expand();
            for (int i = 0; i < logical.size() && i < physicalIds.size(); i++) {
                out.put(logical.get(i), physicalIds.get(i));
            }
        } catch (dev.multikernel.provider.values.InvalidValueException e) {
            return Map.of();
        }
        return out;
    }

    public CpuList all() {
        return CpuList.of(byLogical.keySet());
    }

    public boolean exists(int logical) {
        return byLogical.containsKey(logical);
    }

    /** Whether the host reports {@code logical} online (false for CPUs it does not have). */
    public boolean online(int logical) {
        CpuInfo c = byLogical.get(logical);
        return c != null && c.online();
    }

    public OptionalLong physicalOf(int logical) {
        CpuInfo c = byLogical.get(logical);
        return c == null ? OptionalLong.empty() : c.physical();
    }

    public OptionalInt logicalOf(long physical) {
        Integer l = logicalByPhysical.get(physical);
        return l == null ? OptionalInt.empty() : OptionalInt.of(l);
    }

    /** Physical id → logical number, for every CPU whose id is known. */
    public Map<Long, Integer> logicalByPhysical() {
        return logicalByPhysical;
    }

    /** Logical number → physical id, for every CPU whose id is known. */
    public Map<Integer, Long> physicalByLogical() {
        Map<Integer, Long> out = new HashMap<>();
        logicalByPhysical.forEach((p, l) -> out.put(l, p));
        return out;
    }

    /** The node of {@code logical}, {@link #UNKNOWN_NODE} when not known. */
    public int nodeOf(int logical) {
        CpuInfo c = byLogical.get(logical);
        return c == null || c.numaNode().isEmpty() ? UNKNOWN_NODE : c.numaNode().getAsInt();
    }

    /** The CPUs whose physical id is known. */
    public CpuList withPhysicalId() {
        return CpuList.of(byLogical.values().stream()
                .filter(c -> c.physical().isPresent())
                .map(CpuInfo::logical)
                .toList());
    }

    /** The CPUs of {@code cpus} whose physical id is not known. */
    public CpuList withoutPhysicalId(CpuList cpus) {
        List<Integer> out = new ArrayList<>();
        for (int c : cpus) {
            if (physicalOf(c).isEmpty()) {
                out.add(c);
            }
        }
        return CpuList.of(out);
    }

    /** The physical ids of {@code cpus} in ascending logical order; CPUs without one are left out. */
    public List<Long> physicalIds(CpuList cpus) {
        List<Long> out = new ArrayList<>();
        for (int c : cpus) {
            physicalOf(c).ifPresent(out::add);
        }
        return out;
    }

    /** The logical numbers of {@code physical}, and the ids with no known number (ascending). */
    public Translated logical(Collection<Long> physical) {
        List<Integer> logical = new ArrayList<>();
        TreeSet<Long> unmapped = new TreeSet<>();
        for (long p : physical) {
            OptionalInt l = logicalOf(p);
            if (l.isPresent()) {
                logical.add(l.getAsInt());
            } else {
                unmapped.add(p);
            }
        }
        return new Translated(CpuList.of(logical), List.copyOf(unmapped));
    }

    /** Physical ids translated: the logical numbers, and the ids whose number is not known. */
    public record Translated(CpuList logical, List<Long> unmapped) {}

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
        return p.isPresent() && p.getAsLong() != logical
                ? "CPU " + logical + " (APIC id " + p.getAsLong() + ")"
                : "CPU " + logical;
    }

    /** "CPU 3 (APIC id 6)" whenever the id is known (also when equal), else "CPU 3". */
    public String describeWithApicId(int logical) {
        OptionalLong p = physicalOf(logical);
        return p.isPresent() ? "CPU " + logical + " (APIC id " + p.getAsLong() + ")" : "CPU " + logical;
    }

    /** "CPU 3 (APIC id 6)" for a physical id, or "APIC id 6" when its logical number is not known. */
    public String describePhysical(long physical) {
        OptionalInt l = logicalOf(physical);
        return l.isPresent() ? "CPU " + l.getAsInt() + " (APIC id " + physical + ")" : "APIC id " + physical;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuTopology t && byLogical.equals(t.byLogical);
    }

    @Override
    public int hashCode() {
        return byLogical.hashCode();
    }
}
