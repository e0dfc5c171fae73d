package dev.multikernel.provider.plan;

import dev.multikernel.provider.values.CpuList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How {@code count} CPUs are picked from the free ones. Implementations must be deterministic:
 * the same inputs give the same answer, because Terraform plans again at apply time and compares.
 */
public interface CpuAllocationStrategy {

    /** The name users write ({@code "compact"}). */
    String name();

    /**
     * Picks {@code count} CPUs from {@code free}.
     *
     * @param preferredNode the NUMA node the instance's memory is on, if it asked for one
     * @return the CPUs, or why they cannot be picked (a sentence naming the shortfall)
     */
    Choice choose(int count, CpuList free, CpuTopology topology, OptionalInt preferredNode);

    /**
     * Every CPU of {@code free} that {@link #choose} could pick for {@code count} CPUs when up to
     * {@code takenFirst} of them go to other counts first, in any order. Counts are placed when
     * their instance is created, and Terraform creates siblings in no fixed order: the planner
     * keeps explicit CPU lists of the same run out of this set, so a count can never take one.
     */
    CpuList reach(int count, int takenFirst, CpuList free, CpuTopology topology, OptionalInt preferredNode);

    /** The outcome of {@link #choose}. */
    sealed interface Choice {
        record Chosen(CpuList cpus) implements Choice {}

        record Refused(String reason) implements Choice {}
    }

    /** The named strategies, in the order the documentation lists them. */
    public static List<CpuAllocationStrategy> all() {
        return Named.ALL;
    }

    /** The strategy called {@code name} (letter case ignored). */
    public static Optional<CpuAllocationStrategy> byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return all().stream().filter(s -> s.name().equals(n)).findFirst();
    }

    /** One instance of each named strategy, so requests naming the same strategy are equal. */
    final class Named {
        static final List<CpuAllocationStrategy> ALL =
                List.of(new CompactCpuAllocation(), new SameNumaNodeCpuAllocation(), new SpreadNumaCpuAllocation());

        private Named() {}
    }
}
