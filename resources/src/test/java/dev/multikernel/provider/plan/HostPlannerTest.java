package dev.multikernel.provider.plan;

import static dev.multikernel.provider.plan.Hosts.GiB;
import static dev.multikernel.provider.plan.Hosts.MiB;
import static dev.multikernel.provider.plan.Hosts.cpu;
import static dev.multikernel.provider.plan.Hosts.instance;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostPlannerTest {
    private static final CpuAllocationStrategy COMPACT = new CompactCpuAllocation();

    private static InstanceRequest explicit(String name, String cpus) {
        return InstanceRequest.of(name, CpuRequest.explicit(cpu(cpus)));
    }

    private static InstanceRequest count(String name, int n) {
        return InstanceRequest.of(name, CpuRequest.count(n, COMPACT));
    }

    private static List<String> errors(HostPlan p) {
        return p.problems().stream()
                .filter(PlanProblem::isError)
                .map(x -> x.attributePath() + ": " + x.summary())
                .toList();
    }

    @Test
    void placesExplicitAndCountedInstancesAndShowsApicIds() {
        HostPlan p = HostPlanner.plan(Hosts.current(), List.of(explicit("web", "4-5"), count("db", 2)));
        assertThat(p.problems()).isEmpty();
        assertThat(p.instance("web").orElseThrow().cpus()).isEqualTo(cpu("4-5"));
        assertThat(p.instance("web").orElseThrow().physicalCpuIds()).containsExactly(8L, 10L);
        assertThat(p.instance("db").orElseThrow().cpus()).isEqualTo(cpu("14-15"));
        assertThat(p.instance("db").orElseThrow().id()).isEqualTo(OptionalInt.of(1));
        assertThat(p.instance("web").orElseThrow().id()).isEqualTo(OptionalInt.of(2));
    }

    @Test
    void cpuHeldByAnotherInstanceIsAnErrorNamingItAndTheFreeCpus() {
        HostView host = Hosts.current(instance("db", 1, "4-5", 0, 0));
        HostPlan p = HostPlanner.plan(host, List.of(explicit("web", "4-6")));
        assertThat(p.problems())
                .containsExactly(new PlanProblem(
                        PlanProblem.Severity.ERROR,
                        "multikernel_instance.web.cpus",
                        "CPUs 4-5 are already given to instance \"db\"",
                        "CPU 4 (APIC id 8), CPU 5 (APIC id 10) are held by instance \"db\", which is on the host and not"
                                + " planned together with this instance; free CPUs on host h1 are 7-15."));
    }

    @Test
    void missingAndNonPoolCpus() {
        HostPlan p = HostPlanner.plan(Hosts.current(), List.of(explicit("web", "2-4,99")));
        assertThat(p.problems())
                .extracting(PlanProblem::summary)
                .containsExactly("CPU 99 does not exist on host h1", "CPUs 2-3 are not in the pool of host h1");
        assertThat(p.problems().get(1).detail())
                .isEqualTo(
                        "Pool CPUs are 4-15; free CPUs are 5-15. Add the CPUs to the multikernel_pool, or pick free ones.");
    }

    @Test
    void sameCpuInTwoRequestsBlamesTheSecondByName() {
        HostPlan p = HostPlanner.plan(Hosts.current(), List.of(explicit("web", "6-7"), explicit("db", "6")));
        assertThat(p.problems()).singleElement().satisfies(x -> {
            assertThat(x.attributePath()).isEqualTo("multikernel_instance.web.cpus");
            assertThat(x.summary()).isEqualTo("CPU 6 is also requested by instance \"db\"");
            assertThat(x.detail())
                    .isEqualTo("A CPU can be given to one instance only; multikernel_instance.db.cpus asks"
                            + " for it too. Free CPUs on host h1 are 4-5,8-15.");
        });
    }

    @Test
    void countThatDoesNotFit() {
        HostPlan p = HostPlanner.plan(Hosts.current(), List.of(explicit("a", "4-13"), count("b", 3)));
        assertThat(p.problems()).singleElement().satisfies(x -> {
            assertThat(x.attributePath()).isEqualTo("multikernel_instance.b.cpu_count");
            assertThat(x.summary()).isEqualTo("Cannot allocate 3 more CPUs on host h1 with strategy \"compact\"");
            assertThat(x.detail()).startsWith("It needs 3 CPUs, only 2 free; free CPUs are 14-15.");
        });
    }

    @Test
    void priorAllocationIsKeptNotReshuffled() {
        InstanceSpec prior = new InstanceSpec(
                "db",
                OptionalInt.of(7),
                cpu("10-11"),
                Optional.empty(),
                OptionalInt.empty(),
                List.of(),
                BootSpec.of("/boot/vmlinuz", ""));
        HostView host = Hosts.current(instance("db", 7, "10-11", 0, 0));
        HostPlan p = HostPlanner.plan(host, List.of(count("db", 2).withPrior(prior), count("a", 2)));
        assertThat(p.problems()).isEmpty();
        assertThat(p.instance("db").orElseThrow().cpus()).isEqualTo(cpu("10-11"));
        assertThat(p.instance("db").orElseThrow().id()).isEqualTo(OptionalInt.of(7));
        assertThat(p.instance("db").orElseThrow().change().orElseThrow().change())
                .isEqualTo(ChangeClass.NONE);
        assertThat(p.instance("a").orElseThrow().cpus()).isEqualTo(cpu("14-15"));
    }

    @Test
    void growingACountKeepsTheOldCpusAndIsLive() {
        InstanceSpec prior = new InstanceSpec(
                "db",
                OptionalInt.of(1),
                cpu("10-11"),
                Optional.empty(),
                OptionalInt.empty(),
                List.of(),
                BootSpec.of("/boot/vmlinuz", ""));
        HostPlan p = HostPlanner.plan(
                Hosts.current(instance("db", 1, "10-11", 0, 0)),
                List.of(count("db", 4).withPrior(prior)));
        assertThat(p.instance("db").orElseThrow().cpus()).isEqualTo(cpu("10-11,14-15"));
        assertThat(p.instance("db").orElseThrow().change().orElseThrow().change())
                .isEqualTo(ChangeClass.LIVE);
    }

    @Test
    void idRules() {
        HostView host = Hosts.current(instance("other", 3, "15", 0, 0));
        HostPlan p = HostPlanner.plan(
                host,
                List.of(
                        explicit("a", "4").withId(3),
                        explicit("b", "5").withId(0),
                        explicit("c", "6").withId(2048),
                        explicit("d", "7")));
        assertThat(errors(p))
                .containsExactly(
                        "multikernel_instance.a.instance_id: Instance id 3 is already used by instance \"other\"",
                        "multikernel_instance.b.instance_id: Instance id 0 is out of range",
                        "multikernel_instance.c.instance_id: Instance id 2048 is out of range");
        assertThat(p.problems().get(1).detail()).startsWith("Id 0 is the host itself. Instance ids go from 1 to 2047");
        assertThat(p.instance("d").orElseThrow().id()).isEqualTo(OptionalInt.of(1));
    }

    @Test
    void theLowestFreeIdInAnIdConflictIsFreeOfEveryIdAlreadyDecided() {
        HostView host = Hosts.current(instance("w0", 1, "15", 0, 0));
        HostPlan p = HostPlanner.plan(
                host,
                List.of(
                        explicit("w1", "4").withId(1),
                        explicit("w2", "5").withId(2),
                        explicit("w3", "6").withId(3)));
        assertThat(p.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.attributePath()).isEqualTo("multikernel_instance.w1.instance_id");
            assertThat(problem.detail())
                    .contains("lowest free id on host")
                    .contains(" is 4: set instance_id to it")
                    .doesNotContain("leave id out");
        });
    }

    @Test
    void nameRules() {
        HostPlan p = HostPlanner.plan(
                Hosts.current(),
                List.of(
                        explicit("a/b", "4"),
                        explicit("a b", "5"),
                        explicit("..", "6"),
                        explicit("ok", "7"),
                        explicit("ok", "8")));
        assertThat(errors(p))
                .containsExactly(
                        "multikernel_instance....name: Invalid instance name",
                        "multikernel_instance.a b.name: Invalid instance name",
                        "multikernel_instance.a/b.name: Invalid instance name",
                        "multikernel_instance.ok.name: Instance name \"ok\" is used twice on host h1");
    }

    @Test
    void memoryThatDoesNotFitNamesFreeAndLargestChunk() {
        HostView host = Hosts.current(instance("x", 1, "15", 0x1_0000_0000L + 256 * MiB, 256 * MiB));
        HostPlan p = HostPlanner.plan(
                host,
                List.of(explicit("web", "4")
                        .withMemory(ByteSize.ofBytes(GiB + 512 * MiB))
                        .withNumaNode(0)));
        assertThat(p.problems()).singleElement().satisfies(x -> {
            assertThat(x.attributePath()).isEqualTo("multikernel_instance.web.memory");
            assertThat(x.summary()).isEqualTo("1536MiB does not fit in the pool of host h1 on NUMA node 0");
            assertThat(x.detail()).startsWith("The pool has 768MiB free on node 0 (largest free chunk 512MiB)");
        });
    }

    @Test
    void memoryFitsOnTheOtherNodeWithoutNuma() {
        HostPlan p = HostPlanner.plan(
                Hosts.current(),
                List.of(
                        explicit("a", "4").withMemory(ByteSize.ofGiB(1)),
                        explicit("b", "5").withMemory(ByteSize.ofGiB(1)),
                        explicit("c", "6").withMemory(ByteSize.ofMiB(4))));
        assertThat(errors(p))
                .containsExactly("multikernel_instance.c.memory: 4MiB does not fit in the pool of host h1");
        assertThat(p.problems().get(0).detail()).startsWith("The pool has 0B free");
    }

    @Test
    void memoryAlignmentAndNodeChecks() {
        HostPlan p = HostPlanner.plan(
                Hosts.current(),
                List.of(
                        explicit("a", "4").withMemory(ByteSize.ofBytes(5000)),
                        explicit("b", "5").withMemory(ByteSize.ofMiB(1)).withNumaNode(3),
                        explicit("c", "6").withMemory(ByteSize.ZERO)));
        assertThat(p.problems())
                .extracting(PlanProblem::summary)
                .containsExactly(
                        "5000B is not a whole number of 4KiB pages",
                        "NUMA node 3 has no pool memory on host h1",
                        "memory must be more than 0");
        assertThat(p.problems().get(0).detail()).isEqualTo("The kernel takes memory in pages; use 4KiB or 8KiB.");
    }

    @Test
    void shrinkingFreesMemoryForOthers() {
        InstanceSpec prior = new InstanceSpec(
                "a",
                OptionalInt.of(1),
                cpu("4"),
                Optional.of(ByteSize.ofGiB(1)),
                OptionalInt.empty(),
                List.of(),
                BootSpec.of("/boot/vmlinuz", ""));
        HostView host =
                Hosts.current(instance("a", 1, "4", 0x1_0000_0000L, GiB), instance("z", 2, "15", 0x2_0000_0000L, GiB));
        HostPlan p = HostPlanner.plan(
                host,
                List.of(
                        explicit("a", "4").withMemory(ByteSize.ofMiB(512)).withPrior(prior),
                        explicit("b", "5").withMemory(ByteSize.ofMiB(512))));
        assertThat(p.problems()).isEmpty();
    }

    @Test
    void releasedInstancesFreeTheirResources() {
        HostView host = Hosts.current(instance("old", 1, "4-15", 0x1_0000_0000L, GiB));
        assertThat(HostPlanner.plan(host, List.of(count("new", 2))).hasErrors()).isTrue();
        HostPlan p = HostPlanner.plan(host, List.of(count("new", 2)), Set.of("old"));
        assertThat(p.problems()).isEmpty();
        assertThat(p.instance("new").orElseThrow().id()).isEqualTo(OptionalInt.of(1));
    }

    @Test
    void devices() {
        PciAddress free = PciAddress.parse("0000:09:00.0");
        PciAddress held = PciAddress.parse("0000:0a:00.0");
        PciAddress none = PciAddress.parse("0000:0b:00.0");
        HostInstance other = new HostInstance(
                "other",
                OptionalInt.of(1),
                dev.multikernel.host.state.InstanceStatus.ACTIVE,
                cpu("15"),
                List.of(),
                List.of(held));
        HostPlan p = HostPlanner.plan(
                Hosts.current(other),
                List.of(
                        explicit("a", "4").withDevices(List.of(free, held, none)),
                        explicit("b", "5").withDevices(List.of(free))));
        assertThat(p.problems())
                .extracting(PlanProblem::summary)
                .containsExactly(
                        "PCI device 0000:0a:00.0 is already lent to instance \"other\"",
                        "PCI device 0000:0b:00.0 is not in the pool of host h1",
                        "PCI device 0000:09:00.0 is also requested by instance \"a\"");
    }

    @Test
    void v2Limits() {
        HostPlan p = HostPlanner.plan(
                Hosts.v2(),
                List.of(
                        explicit("a", "0-1")
                                .withId(1)
                                .withMemory(ByteSize.ofGiB(4))
                                .withDevices(List.of(PciAddress.parse("0000:09:00.0"))),
                        explicit("b", "2")
                                .withId(2)
                                .withMemory(ByteSize.ofMiB(1))
                                .withNumaNode(0)));
        assertThat(p.problems())
                .extracting(x -> x.severity() + " " + x.summary())
                .containsExactly(
                        "ERROR CPU 0 cannot be given to an instance",
                        "WARNING RFC v2 kernels may refuse to load id 2",
                        "ERROR 4GiB is too large for an RFC v2 host",
                        "ERROR RFC v2 cannot place memory on a NUMA node",
                        "ERROR RFC v2 cannot lend devices to instances");
        assertThat(p.instance("a").orElseThrow().physicalCpuIds()).containsExactly(0L, 1L);
    }

    @Test
    void unusableHostIsOneError() {
        HostView h = new HostView(
                "h9",
                InterfaceGeneration.NONE,
                Optional.of("host h9 has no multikernel support"),
                CpuTopology.flat(2),
                CpuList.EMPTY,
                List.of(),
                List.of(),
                List.of(),
                List.of());
        HostPlan p = HostPlanner.plan(h, List.of(explicit("a", "1")));
        assertThat(errors(p)).containsExactly("multikernel_instance.a.name: Host h9 cannot take instances");
    }

    @Test
    void restartOfActiveInstanceOnV2IsImpossible() {
        InstanceSpec prior = new InstanceSpec(
                "a",
                OptionalInt.of(1),
                cpu("2"),
                Optional.empty(),
                OptionalInt.empty(),
                List.of(),
                BootSpec.of("/boot/vmlinuz", ""));
        HostPlan p = HostPlanner.plan(
                Hosts.v2(instance("a", 1, "2", 0, 0)),
                List.of(explicit("a", "2")
                        .withId(1)
                        .withBoot(BootSpec.of("/boot/vmlinuz-2", ""))
                        .withPrior(prior)));
        assertThat(errors(p))
                .containsExactly("multikernel_instance.a.kernel: Instance \"a\" cannot be changed on host h2");
    }

    @Test
    void sameInputTwiceAndShuffledOrderGiveTheSamePlan() {
        List<InstanceRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            reqs.add(InstanceRequest.of(
                            "i" + i,
                            CpuRequest.count(
                                    1 + i % 3, CpuAllocationStrategy.all().get(i % 3)))
                    .withMemory(ByteSize.ofMiB(128)));
        }
        HostPlan first = HostPlanner.plan(Hosts.current(), reqs);
        assertThat(HostPlanner.plan(Hosts.current(), reqs)).isEqualTo(first);
        List<InstanceRequest> shuffled = new ArrayList<>(reqs);
        Collections.shuffle(shuffled, new Random(42));
        assertThat(HostPlanner.plan(Hosts.current(), shuffled)).isEqualTo(first);
    }

    /** Random hosts and requests (fixed seeds): no CPU twice, memory never above the pool. */
    @Test
    void randomizedNeverDoubleAllocatesOrOvercommits() {
        for (long seed = 1; seed <= 300; seed++) {
            Random rnd = new Random(seed);
            List<InstanceRequest> reqs = new ArrayList<>();
            int n = 1 + rnd.nextInt(8);
            for (int i = 0; i < n; i++) {
                InstanceRequest r = rnd.nextBoolean()
                        ? InstanceRequest.of(
                                "r" + i,
                                CpuRequest.count(
                                        1 + rnd.nextInt(4),
                                        CpuAllocationStrategy.all().get(rnd.nextInt(3))))
                        : explicit("r" + i, (4 + rnd.nextInt(12)) + "");
                r = r.withMemory(ByteSize.ofMiB(64L * (1 + rnd.nextInt(12))));
                if (rnd.nextInt(4) == 0) {
                    r = r.withNumaNode(rnd.nextInt(2));
                }
                reqs.add(r);
            }
            HostPlan p = HostPlanner.plan(Hosts.current(), reqs);
            if (p.hasErrors()) {
                assertThat(p.problems())
                        .as("seed %d", seed)
                        .allSatisfy(x -> assertThat(x.detail()).isNotBlank());
                continue;
            }
            CpuList seen = CpuList.EMPTY;
            long mem = 0;
            for (PlannedInstance i : p.instances()) {
                assertThat(i.cpus().intersects(seen)).as("seed %d", seed).isFalse();
                assertThat(CpuList.range(4, 15).containsAll(i.cpus()))
                        .as("seed %d", seed)
                        .isTrue();
                seen = seen.union(i.cpus());
                mem += i.memory().map(ByteSize::bytes).orElse(0L);
            }
            assertThat(mem).as("seed %d", seed).isLessThanOrEqualTo(2 * GiB);
            assertThat(p.instances().stream()
                            .map(i -> i.id().getAsInt())
                            .distinct()
                            .count())
                    .isEqualTo(n);
        }
    }

    @Test
    void explicitListWinsOverACountsEarlierCpus() {
        InstanceSpec prior = new InstanceSpec(
                "a",
                OptionalInt.of(1),
                cpu("6-7"),
                Optional.empty(),
                OptionalInt.empty(),
                List.of(),
                BootSpec.of("/boot/vmlinuz", ""));
        HostPlan p = HostPlanner.plan(Hosts.current(), List.of(count("a", 2).withPrior(prior), explicit("b", "7")));
        assertThat(p.hasErrors()).isFalse();
        assertThat(p.instance("b").orElseThrow().cpus()).isEqualTo(cpu("7"));
        assertThat(p.instance("a").orElseThrow().cpus()).isEqualTo(cpu("6,15"));
        assertThat(p.problems())
                .extracting(PlanProblem::summary)
                .containsExactly("CPU 7 allocated earlier goes to another instance");
    }

    @Test
    void takingCpusAnotherManagedInstanceGivesUpWarnsAboutOrder() {
        HostView host = Hosts.current(instance("a", 1, "4-5", 0, 0));
        HostPlan p = HostPlanner.plan(host, List.of(explicit("a", "8-9"), explicit("b", "4-5")));
        assertThat(p.hasErrors()).isFalse();
        assertThat(p.problems()).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(PlanProblem.Severity.WARNING);
            assertThat(x.summary()).isEqualTo("CPUs 4-5 are still held by instance \"a\"");
            assertThat(x.detail())
                    .endsWith("add depends_on = [multikernel_instance.a] to multikernel_instance.b so"
                            + " the order is right.");
        });
    }

    @Test
    void unknownApicIdIsAnErrorOnTheCurrentTree() {
        List<CpuInfo> cpus = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            cpus.add(
                    i == 7
                            ? new CpuInfo(7, java.util.OptionalLong.empty(), OptionalInt.of(0))
                            : CpuInfo.of(i, 2L * i, 0));
        }
        HostView host = new HostView(
                "h1",
                InterfaceGeneration.CURRENT,
                Optional.empty(),
                CpuTopology.of(cpus),
                CpuList.range(4, 7),
                List.of(99L),
                List.of(),
                List.of(),
                List.of());
        HostPlan p = HostPlanner.plan(host, List.of(explicit("a", "3,7"), count("b", 3)));
        assertThat(errors(p))
                .containsExactly(
                        "multikernel_instance.a.cpus: CPU 3 is not in the pool of host h1",
                        "multikernel_instance.a.cpus: The APIC id of CPU 7 is not known");
        assertThat(p.problems().get(0).detail())
                .endsWith("The pool also has CPUs with APIC ids 99 whose logical"
                        + " numbers host h1 has not reported; they cannot be named until it has.");
        assertThat(p.instance("b").orElseThrow().cpus()).isEqualTo(cpu("4-6"));
    }

    /**
     * Seeded: plan, record the result as state, plan again with more instances in shuffled order
     * and foreign instances on the host taking none of the planned CPUs: everything already placed
     * keeps its CPUs and id; no CPU goes twice; per-node memory never exceeds the pool.
     */
    @Test
    void randomizedReplansNeverReshuffle() {
        for (long seed = 1; seed <= 200; seed++) {
            Random rnd = new Random(seed);
            List<InstanceRequest> first = new ArrayList<>();
            for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
                first.add(InstanceRequest.of(
                                "p" + i,
                                CpuRequest.count(
                                        1 + rnd.nextInt(3),
                                        CpuAllocationStrategy.all().get(rnd.nextInt(3))))
                        .withMemory(ByteSize.ofMiB(128)));
            }
            HostPlan p1 = HostPlanner.plan(Hosts.current(), first);
            if (p1.hasErrors()) {
                continue;
            }
            List<InstanceRequest> second = new ArrayList<>();
            for (InstanceRequest r : first) {
                PlannedInstance pi = p1.instance(r.name()).orElseThrow();
                second.add(r.withPrior(new InstanceSpec(
                        r.name(), pi.id(), pi.cpus(), pi.memory(), pi.numaNode(), pi.devices(), r.boot())));
            }
            for (int i = 0; i < rnd.nextInt(4); i++) {
                second.add(InstanceRequest.of(
                                "n" + i,
                                CpuRequest.count(
                                        1 + rnd.nextInt(3),
                                        CpuAllocationStrategy.all().get(rnd.nextInt(3))))
                        .withMemory(ByteSize.ofMiB(64))
                        .withNumaNode(rnd.nextInt(2)));
            }
            Collections.shuffle(second, new Random(seed));
            HostPlan p2 = HostPlanner.plan(Hosts.current(), second);
            for (InstanceRequest r : first) {
                PlannedInstance a = p1.instance(r.name()).orElseThrow();
                PlannedInstance b = p2.instance(r.name()).orElseThrow();
                assertThat(b.cpus()).as("seed %d %s", seed, r.name()).isEqualTo(a.cpus());
                assertThat(b.id()).as("seed %d %s", seed, r.name()).isEqualTo(a.id());
                assertThat(b.change().orElseThrow().change()).isEqualTo(ChangeClass.NONE);
            }
            CpuList seen = CpuList.EMPTY;
            for (PlannedInstance i : p2.instances()) {
                assertThat(i.cpus().intersects(seen)).as("seed %d", seed).isFalse();
                seen = seen.union(i.cpus());
            }
            if (!p2.hasErrors()) {
                for (int node = 0; node < 2; node++) {
                    final int n = node;
                    long onNode = p2.instances().stream()
                            .filter(i -> i.numaNode().equals(OptionalInt.of(n)))
                            .mapToLong(i -> i.memory().map(ByteSize::bytes).orElse(0L))
                            .sum();
                    assertThat(onNode).isLessThanOrEqualTo(GiB);
                }
            }
        }
    }

    @Test
    void cpusTheKernelCallsTakenButNoReadableInstanceHoldsAreNeverGiven() {
        HostView base = Hosts.current();
        HostView host = new HostView(
                base.hostName(),
                base.generation(),
                base.unusable(),
                base.topology(),
                base.poolCpus(),
                List.of(),
                base.poolMemory(),
                base.freeDevices(),
                List.of(),
                cpu("4-5"));
        HostPlan p = HostPlanner.plan(host, List.of(explicit("a", "5"), count("b", 2)));
        assertThat(errors(p))
                .containsExactly(
                        "multikernel_instance.a.cpus: CPU 5 is already given to an instance whose device tree could not be read");
        assertThat(p.problems().get(0).detail())
                .isEqualTo("CPU 5 (APIC id 10) is held by an instance whose device"
                        + " tree could not be read (the pool lists it as taken); free CPUs on host h1 are 6-15.");
        assertThat(p.instance("b").orElseThrow().cpus()).isEqualTo(cpu("14-15"));
    }

    @Test
    void countsAndExplicitListsOfOneRunNeverMeetWhateverTheOrder() {
        // the case of issue 15: even instances list a CPU (4-8), odd ones ask for one
        List<InstanceRequest> requests = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            requests.add(i % 2 == 0 ? explicit("w" + i, Integer.toString(4 + i / 2)) : count("w" + i, 1));
        }
        HostPlan p = HostPlanner.plan(Hosts.current(), requests);
        assertThat(p.problems()).isEmpty();
        assertThat(p.instance("w1").orElseThrow().cpus()).isEqualTo(cpu("15"));
        assertThat(p.instance("w9").orElseThrow().cpus()).isEqualTo(cpu("11"));
        java.util.Collections.shuffle(requests, new java.util.Random(3));
        assertThat(HostPlanner.plan(Hosts.current(), requests)).isEqualTo(p);
    }

    @Test
    void anExplicitListACountCouldReachFirstIsAnErrorOnTheList() {
        HostPlan p = HostPlanner.plan(Hosts.current(), List.of(explicit("a", "4,14"), count("b", 2), count("c", 1)));
        assertThat(p.problems())
                .containsExactly(PlanProblem.error(
                        "multikernel_instance.a.cpus",
                        "CPU 14 may be given to instances \"b\", \"c\"",
                        "Instances \"b\", \"c\" set cpu_count, so their CPUs are picked when they are created, from"
                                + " the highest free CPUs of host h1: with the 3 CPUs the instances with cpu_count planned"
                                + " together need, that can be any of 13-15. Terraform may create them before \"a\", so"
                                + " ask for CPUs outside 13-15 in cpus of \"a\", or set cpus on instances \"b\", \"c\" as"
                                + " well."));
        // CPUs an instance already holds are not up for grabs
        HostPlan kept = HostPlanner.plan(
                Hosts.current(instance("a", 1, "4,14", 0, 0)), List.of(explicit("a", "4,14"), count("b", 1)));
        assertThat(kept.problems()).isEmpty();
        assertThat(kept.instance("b").orElseThrow().cpus()).isEqualTo(cpu("15"));
    }

    @Test
    void anIdAnInstanceWithoutIdCouldGetFirstIsAnErrorOnTheId() {
        HostPlan p = HostPlanner.plan(
                Hosts.current(instance("other", 1, "12", 0, 0)),
                List.of(explicit("a", "4").withId(3), explicit("b", "5"), explicit("c", "6")));
        assertThat(p.problems())
                .containsExactly(PlanProblem.error(
                        "multikernel_instance.a.instance_id",
                        "Instance id 3 may be given to instances \"b\", \"c\"",
                        "Instances \"b\", \"c\" have no instance_id, so they get the lowest free id when created:"
                                + " with the 2 instances without instance_id planned together, that can be any of 2-3 on"
                                + " host h1. Terraform may create them before \"a\", so set instance_id of \"a\" outside"
                                + " 2-3, or set instance_id on instances \"b\", \"c\" as well."));
        assertThat(HostPlanner.plan(
                                Hosts.current(instance("other", 1, "12", 0, 0)),
                                List.of(explicit("a", "4").withId(4), explicit("b", "5"), explicit("c", "6")))
                        .problems())
                .isEmpty();
    }
}
