package dev.multikernel.provider.resources.pool;

import dev.multikernel.host.state.CpuState;
import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Logical CPU number ↔ physical (APIC) id. The host reports the mapping only for CPUs it saw online
 * (docs/design/cpu-naming.md), and pool CPUs are offline in the host, so the mapping the provider
 * kept in state ({@code cpus} paired with {@code physical_cpu_ids}) fills the gaps. What the host
 * reports wins where both know a CPU.
 */
final class CpuMapping {
    private final Map<Integer, Long> physicalByLogical;
    private final Map<Long, Integer> logicalByPhysical;
    private final CpuList exists;

    private CpuMapping(Map<Integer, Long> physicalByLogical, CpuList exists) {
        this.physicalByLogical = Map.copyOf(physicalByLogical);
        Map<Long, Integer> reverse = new HashMap<>();
        physicalByLogical.forEach((l, p) -> reverse.putIfAbsent(p, l));
        this.logicalByPhysical = Map.copyOf(reverse);
        this.exists = exists;
    }

    /**
     * @param hostCpus    the host's CPUs
     * @param remembered  logical → physical pairs kept in state; ignored where they contradict the
     *                    host (a CPU or an id the host maps otherwise)
     */
    static CpuMapping of(Collection<CpuState> hostCpus, Map<Integer, Long> remembered) {
        Map<Integer, Long> map = new HashMap<>();
        List<Integer> all = new ArrayList<>();
        for (CpuState c : hostCpus) {
            if (CpuList.isValidId(c.cpu())) {
                all.add(c.cpu());
                if (c.apicId().isPresent()) {
                    map.put(c.cpu(), (long) c.apicId().getAsInt());
                }
            }
        }
        java.util.Set<Long> taken = new java.util.HashSet<>(map.values());
        remembered.forEach((l, p) -> {
            if (!map.containsKey(l) && !taken.contains(p)) {
                map.put(l, p);
                taken.add(p);
            }
        });
        return new CpuMapping(map, CpuList.of(all));
    }

    /**
     * The pairs a state records: the i-th CPU of {@code cpus} (ascending) has the i-th id of
     * {@code physicalIds}. Ids past the CPUs (pool CPUs whose logical number was not known) pair with
     * nothing; a {@code cpus} that does not parse gives no pairs.
     */
    static Map<Integer, Long> pairs(String cpus, List<Long> physicalIds) {
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

    boolean exists(int logical) {
        return exists.contains(logical);
    }

    CpuList all() {
        return exists;
    }

    OptionalLong physicalOf(int logical) {
        Long p = physicalByLogical.get(logical);
        return p == null ? OptionalLong.empty() : OptionalLong.of(p);
    }

    OptionalInt logicalOf(long physical) {
        Integer l = logicalByPhysical.get(physical);
        return l == null ? OptionalInt.empty() : OptionalInt.of(l);
    }

    /** The physical ids of {@code cpus} in ascending logical order; CPUs without one are left out. */
    List<Long> physicalIds(CpuList cpus) {
        List<Long> out = new ArrayList<>();
        for (int c : cpus) {
            physicalOf(c).ifPresent(out::add);
        }
        return out;
    }

    /** The CPUs of {@code cpus} whose physical id is not known. */
    CpuList withoutPhysicalId(CpuList cpus) {
        List<Integer> out = new ArrayList<>();
        for (int c : cpus) {
            if (physicalOf(c).isEmpty()) {
                out.add(c);
            }
        }
        return CpuList.of(out);
    }

    /** The logical numbers of {@code physical}, and the ids with no known number (ascending). */
    Translated logical(Collection<Long> physical) {
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

    record Translated(CpuList logical, List<Long> unmapped) {
    }

    /** "CPU 3 (APIC id 6)", or "CPU 3" when the id is not known. */
    String describe(int logical) {
        OptionalLong p = physicalOf(logical);
        return p.isPresent() ? "CPU " + logical + " (APIC id " + p.getAsLong() + ")" : "CPU " + logical;
    }

    /** "CPU 3 (APIC id 6)" for a physical id, or "APIC id 6" when its logical number is not known. */
    String describePhysical(long physical) {
        OptionalInt l = logicalOf(physical);
        return l.isPresent() ? "CPU " + l.getAsInt() + " (APIC id " + physical + ")" : "APIC id " + physical;
    }
}
