package dev.multikernel.provider.plan;

import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * {@code "compact"}: the lowest-numbered run of consecutive free CPUs long enough for the whole
 * request; when no run is, the lowest free CPUs. Consecutive logical CPUs tend to share caches,
 * and taking the first fitting run leaves the long runs above it whole for later requests.
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
        return new Choice.Chosen(pick(count, free));
    }

    /** The compact pick; {@code count} must not exceed {@code free.size()}. */
    static CpuList pick(int count, CpuList free) {
        for (CpuList.Range r : free.ranges()) {
            if (r.size() >= count) {
                return CpuList.range(r.first(), r.first() + count - 1);
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int c : free) {
            if (out.size() == count) {
                break;
            }
            out.add(c);
        }
        return CpuList.of(out);
    }
}
