package dev.multikernel.provider.plan;

import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * {@code "spread_numa"}: round-robin across the NUMA nodes that have free CPUs, in ascending node
 * order (CPUs of unknown node form a group of their own, taken first), the highest free CPU of
 * each node at every turn. For instances that want memory bandwidth of every node.
 */
public final class SpreadNumaCpuAllocation implements CpuAllocationStrategy {
    @Override
    public String name() {
        return "spread_numa";
    }

    @Override
    public Choice choose(int count, CpuList free, CpuTopology topology, OptionalInt preferredNode) {
        if (count > free.size()) {
            return new Choice.Refused("needs " + count + " CPUs, only " + free.size() + " free");
        }
        List<Iterator<Integer>> nodes = new ArrayList<>();
        for (Map.Entry<Integer, CpuList> e : topology.byNode(free).entrySet()) {
            List<Integer> descending = new ArrayList<>();
            e.getValue().forEach(c -> descending.add(0, c));
            nodes.add(descending.iterator());
        }
        List<Integer> out = new ArrayList<>();
        while (out.size() < count) {
            for (Iterator<Integer> it : nodes) {
                if (out.size() < count && it.hasNext()) {
                    out.add(it.next());
                }
            }
        }
        return new Choice.Chosen(CpuList.of(out));
    }

    /** At most {@code count + takenFirst} from the top of each node. */
    @Override
    public CpuList reach(int count, int takenFirst, CpuList free, CpuTopology topology, OptionalInt preferredNode) {
        return CompactCpuAllocation.highestOfEachNode(count + takenFirst, free, topology);
    }
}
