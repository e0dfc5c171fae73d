package dev.multikernel.provider.plan;

import dev.multikernel.provider.values.CpuList;
import java.util.Map;
import java.util.OptionalInt;
import java.util.StringJoiner;

/**
 * {@code "same_numa_node"}: every CPU from one NUMA node, the highest free CPUs of that node. The node is
 * the one the instance's memory asked for, otherwise the node with the most free CPUs (ties go to
 * the lowest node number), so memory and CPUs stay local. On a host that reports no NUMA node
 * for any free CPU, all of them count as one node.
 */
public final class SameNumaNodeCpuAllocation implements CpuAllocationStrategy {
    @Override
    public String name() {
        return "same_numa_node";
    }

    @Override
    public Choice choose(int count, CpuList free, CpuTopology topology, OptionalInt preferredNode) {
        Map<Integer, CpuList> byNode = topology.byNode(free);
        if (preferredNode.isPresent()) {
            int node = preferredNode.getAsInt();
            CpuList onNode = byNode.getOrDefault(node, CpuList.EMPTY);
            if (onNode.size() < count) {
                return new Choice.Refused("needs " + count + " CPUs on NUMA node " + node
                        + " (where its memory is), only " + onNode.size() + " free there"
                        + (onNode.isEmpty() ? "" : " (" + onNode.format() + ")"));
            }
            return new Choice.Chosen(CompactCpuAllocation.highest(count, onNode));
        }
        int best = Integer.MIN_VALUE;
        int bestFree = -1;
        // CPUs of unknown node are one group only on a host that reports no node at all.
        boolean nodesKnown = byNode.keySet().stream().anyMatch(n -> n != CpuTopology.UNKNOWN_NODE);
        for (Map.Entry<Integer, CpuList> e : byNode.entrySet()) {
            if ((e.getKey() != CpuTopology.UNKNOWN_NODE || !nodesKnown)
                    && e.getValue().size() > bestFree) {
                best = e.getKey();
                bestFree = e.getValue().size();
            }
        }
        if (bestFree < count) {
            StringJoiner nodes = new StringJoiner(", ");
            byNode.forEach((n, l) -> {
                if (n != CpuTopology.UNKNOWN_NODE) {
                    nodes.add("node " + n + ": " + l.size() + " free");
                }
            });
            return new Choice.Refused("no NUMA node has " + count + " free CPUs ("
                    + (nodes.length() == 0 ? "no CPU with a known node is free" : nodes.toString()) + ")");
        }
        return new Choice.Chosen(CompactCpuAllocation.highest(count, byNode.get(best)));
    }

    /** Within the node asked for; without one, within whichever node it ends up on. */
    @Override
    public CpuList reach(int count, int takenFirst, CpuList free, CpuTopology topology, OptionalInt preferredNode) {
        if (preferredNode.isPresent()) {
            return CompactCpuAllocation.highest(
                    count + takenFirst, topology.byNode(free).getOrDefault(preferredNode.getAsInt(), CpuList.EMPTY));
        }
        return CompactCpuAllocation.highestOfEachNode(count + takenFirst, free, topology);
    }
}
