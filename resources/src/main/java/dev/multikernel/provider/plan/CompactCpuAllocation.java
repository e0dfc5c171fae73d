package dev.multikernel.provider.plan;

import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * {@code "compact"}: the highest-numbered free CPUs (consecutive whenever the top of the pool is
 * free, which keeps an instance's CPUs on neighbouring cores). Counts are placed when their
 * instance is created, possibly before siblings that list CPUs explicitly; taking from the top,
 * and never skipping a free CPU, bounds where a count can land whatever the order (see {@link
 * #reach}), so the planner can make sure explicit lists (usually low numbers) never meet it.
 */
public final class CompactCpuAllocation implements CpuAllocationStrategy {
    @Override
    public String name() {
        return "compact";
    }

    @Override
    public Choice choose(int count, CpuList free, CpuTopology topology, OptionalInt preferredNode) {
        if (count > free.size()) {
            return new Choice.Refused("needs " + count + " CPUs, only " + free.size() + " free");
        }
        return new Choice.Chosen(highest(count, free));
    }

    @Override
    public CpuList reach(int count, int takenFirst, CpuList free, CpuTopology topology, OptionalInt preferredNode) {
        return highest(count + takenFirst, free);
    }

    /** The {@code count} highest free CPUs of every NUMA node, together. */
    static CpuList highestOfEachNode(int count, CpuList free, CpuTopology topology) {
        CpuList all = CpuList.EMPTY;
        for (CpuList onNode : topology.byNode(free).values()) {
            all = all.union(highest(count, onNode));
        }
        return all;
    }

    /** The {@code count} highest CPUs of {@code cpus} (all of them when it has fewer). */
    static CpuList highest(int count, CpuList cpus) {
        List<Integer> all = new ArrayList<>();
        cpus.forEach(all::add);
        return CpuList.of(all.subList(Math.max(0, all.size() - count), all.size()));
    }
}
