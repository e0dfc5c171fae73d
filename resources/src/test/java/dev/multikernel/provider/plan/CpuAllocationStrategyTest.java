package dev.multikernel.provider.plan;

import static dev.multikernel.provider.plan.Hosts.cpu;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.provider.plan.CpuAllocationStrategy.Choice;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CpuAllocationStrategyTest {
    private final CpuTopology topo = Hosts.twoNodes();

    @Test
    void compactTakesTheHighestFreeCpus() {
        Choice c = new CompactCpuAllocation().choose(3, cpu("4,6-7,9-12"), topo, OptionalInt.empty());
        assertThat(c).isEqualTo(new Choice.Chosen(cpu("10-12")));
    }

    @Test
    void compactNeverSkipsAFreeCpu() {
        Choice c = new CompactCpuAllocation().choose(3, cpu("4,6,8,10"), topo, OptionalInt.empty());
        assertThat(c).isEqualTo(new Choice.Chosen(cpu("6,8,10")));
    }

    @Test
    void compactRefusesWhenShort() {
        Choice c = new CompactCpuAllocation().choose(5, cpu("4-7"), topo, OptionalInt.empty());
        assertThat(c).isEqualTo(new Choice.Refused("needs 5 CPUs, only 4 free"));
    }

    @Test
    void sameNodeTakesTheNodeWithMostFree() {
        Choice c = new SameNumaNodeCpuAllocation().choose(2, cpu("6-7,9-12"), topo, OptionalInt.empty());
        assertThat(c).isEqualTo(new Choice.Chosen(cpu("11-12")));
    }

    @Test
    void sameNodeTieGoesToLowestNode() {
        Choice c = new SameNumaNodeCpuAllocation().choose(2, cpu("6-7,8-9"), topo, OptionalInt.empty());
        assertThat(c).isEqualTo(new Choice.Chosen(cpu("6-7")));
    }

    @Test
    void sameNodeHonoursThePreferredNode() {
        Choice c = new SameNumaNodeCpuAllocation().choose(2, cpu("6-7,8-12"), topo, OptionalInt.of(0));
        assertThat(c).isEqualTo(new Choice.Chosen(cpu("6-7")));
        assertThat(new SameNumaNodeCpuAllocation().choose(3, cpu("6-7,8-12"), topo, OptionalInt.of(0)))
                .isEqualTo(new Choice.Refused(
                        "needs 3 CPUs on NUMA node 0 (where its memory is), only 2 free there (6-7)"));
    }

    @Test
    void sameNodeRefusalListsEveryNode() {
        Choice c = new SameNumaNodeCpuAllocation().choose(4, cpu("5-7,13-15"), topo, OptionalInt.empty());
        assertThat(c).isEqualTo(new Choice.Refused("no NUMA node has 4 free CPUs (node 0: 3 free, node 1: 3 free)"));
    }

    @Test
    void spreadAlternatesNodes() {
        Choice c = new SpreadNumaCpuAllocation().choose(5, cpu("4-7,12-13"), topo, OptionalInt.empty());
        assertThat(c).isEqualTo(new Choice.Chosen(cpu("5,6,7,12,13")));
    }

    @Test
    void byNameFindsEveryStrategy() {
        assertThat(CpuAllocationStrategy.byName("COMPACT")).containsInstanceOf(CompactCpuAllocation.class);
        assertThat(CpuAllocationStrategy.byName("same_numa_node")).containsInstanceOf(SameNumaNodeCpuAllocation.class);
        assertThat(CpuAllocationStrategy.byName("spread_numa")).containsInstanceOf(SpreadNumaCpuAllocation.class);
        assertThat(CpuAllocationStrategy.byName("random")).isEmpty();
    }

    @Test
    void sameNodeOnAHostWithoutNumaInformationTreatsAllAsOneNode() {
        java.util.List<CpuInfo> cpus = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cpus.add(new CpuInfo(i, java.util.OptionalLong.of(i), OptionalInt.empty()));
        }
        Choice c = new SameNumaNodeCpuAllocation().choose(2, cpu("1-3"), CpuTopology.of(cpus), OptionalInt.empty());
        assertThat(c).isEqualTo(new Choice.Chosen(cpu("2-3")));
    }

    @Test
    void everyStrategyIsDeterministicAndPicksOnlyFreeCpus() {
        java.util.Random rnd = new java.util.Random(7);
        for (int round = 0; round < 500; round++) {
            java.util.List<Integer> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                if (rnd.nextBoolean()) {
                    ids.add(i);
                }
            }
            dev.multikernel.provider.values.CpuList free = dev.multikernel.provider.values.CpuList.of(ids);
            int count = 1 + rnd.nextInt(6);
            for (CpuAllocationStrategy s : CpuAllocationStrategy.all()) {
                Choice a = s.choose(count, free, topo, OptionalInt.empty());
                assertThat(s.choose(count, free, topo, OptionalInt.empty())).isEqualTo(a);
                if (a instanceof Choice.Chosen chosen) {
                    assertThat(chosen.cpus().size()).isEqualTo(count);
                    assertThat(free.containsAll(chosen.cpus())).isTrue();
                }
            }
        }
    }

    /**
     * What {@code reach} promises: counts chosen one after another, in any order, with CPUs outside
     * every reach taken away at any moment (explicit lists the planner keeps out of reach), each
     * land inside their own reach.
     */
    @Test
    void everyCountLandsInsideItsReachWhateverTheOrder() {
        java.util.Random rnd = new java.util.Random(11);
        java.util.List<CpuAllocationStrategy> strategies = CpuAllocationStrategy.all();
        for (int round = 0; round < 400; round++) {
            java.util.List<Integer> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                if (rnd.nextInt(3) > 0) {
                    ids.add(i);
                }
            }
            dev.multikernel.provider.values.CpuList free = dev.multikernel.provider.values.CpuList.of(ids);
            int n = 1 + rnd.nextInt(4);
            java.util.List<int[]> requests = new java.util.ArrayList<>(); // count, strategy, node (-1: none)
            int total = 0;
            for (int k = 0; k < n; k++) {
                int count = 1 + rnd.nextInt(3);
                requests.add(new int[] {count, rnd.nextInt(strategies.size()), rnd.nextInt(3) - 1});
                total += count;
            }
            java.util.List<dev.multikernel.provider.values.CpuList> reach = new java.util.ArrayList<>();
            dev.multikernel.provider.values.CpuList all = dev.multikernel.provider.values.CpuList.EMPTY;
            for (int[] r : requests) {
                dev.multikernel.provider.values.CpuList one =
                        strategies.get(r[1]).reach(r[0], total - r[0], free, topo, node(r[2]));
                reach.add(one);
                all = all.union(one);
            }
            dev.multikernel.provider.values.CpuList outside = free.minus(all);
            for (int order = 0; order < 10; order++) {
                java.util.List<Integer> idx = new java.util.ArrayList<>();
                for (int k = 0; k < n; k++) {
                    idx.add(k);
                }
                java.util.Collections.shuffle(idx, rnd);
                dev.multikernel.provider.values.CpuList avail = free;
                for (int k : idx) {
                    if (rnd.nextBoolean() && !outside.isEmpty()) {
                        avail = avail.minus(dev.multikernel.provider.values.CpuList.of(outside.stream()
                                .filter(c -> rnd.nextBoolean())
                                .boxed()
                                .toList()));
                    }
                    int[] r = requests.get(k);
                    if (strategies.get(r[1]).choose(r[0], avail, topo, node(r[2])) instanceof Choice.Chosen c) {
                        assertThat(reach.get(k).containsAll(c.cpus()))
                                .as("round %d: %s of %s within %s", round, c.cpus(), free, reach.get(k))
                                .isTrue();
                        avail = avail.minus(c.cpus());
                    }
                }
            }
        }
    }

    private static OptionalInt node(int n) {
        return n < 0 ? OptionalInt.empty() : OptionalInt.of(n);
    }
}
