package dev.multikernel.provider.resources.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.provider.plan.CpuTopology;
import dev.multikernel.provider.resources.AttributeProblem;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import dev.tfjvm.cty.CtyPath;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The difference between a host's pool and the configured one, and why it may not be made. */
class PoolChangesTest {
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;

    /** Logical 0-7, APIC id = 2 × logical + (node 1: +8), nodes 0 (0-3) and 1 (4-7); pool CPUs 1-3 offline. */
    static List<CpuState> cpus(boolean poolCpusKnown) {
        List<CpuState> out = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int node = i < 4 ? 0 : 1;
            boolean inPool = i >= 1 && i <= 3;
            OptionalInt apic = inPool && !poolCpusKnown ? OptionalInt.empty() : OptionalInt.of(2 * i + 8 * node);
            out.add(new CpuState(i, apic, OptionalInt.of(node), !inPool));
        }
        return out;
    }

    static final PoolChunk A = PoolChunk.of(0x100000000L, GIB, 0);
    static final PoolChunk B = PoolChunk.of(0x200000000L, 512 * MIB, 1);
    static final PoolChunk C = PoolChunk.of(0x300000000L, 512 * MIB, 1);

    /** Pool CPUs 1-3 (APIC 2, 4, 6), chunks A and B; "web" holds CPU 2 (APIC 4) and part of A, and a NIC. */
    static LivePool live() {
        PciAddress nic = PciAddress.parse("0000:01:00.0");
        return new LivePool(
                List.of(2L, 4L, 6L),
                Set.of(2L, 6L),
                List.of(A, B),
                List.of(nic),
                List.of(new LivePool.Holder(
                        "web", Set.of(4L), List.<long[]>of(new long[] {A.base(), 64 * MIB}), Set.of(nic))));
    }

    static PoolSpec spec(String cpus, List<PoolSpec.Memory> memory, String... devices) throws Exception {
        return new PoolSpec(
                Optional.of(new PoolSpec.Cpus(cpus, CpuList.parse(cpus))),
                Optional.of(memory),
                Optional.of(java.util.Arrays.stream(devices)
                        .map(d -> new PoolSpec.Device(d, PciAddress.parse(d)))
                        .toList()),
                true);
    }

    static PoolSpec.Memory mem(String size) throws Exception {
        return new PoolSpec.Memory(size, ByteSize.parse(size), OptionalInt.empty());
    }

    static PoolSpec.Memory mem(String size, int node) throws Exception {
        return new PoolSpec.Memory(size, ByteSize.parse(size), OptionalInt.of(node));
    }

    static CpuTopology mapping(boolean known) {
        return CpuTopology.from(cpus(known)).withRemembered(known ? Map.of() : Map.of(1, 2L, 2, 4L, 3, 6L));
    }

    @Test
    void growingAddsCpusAndMemoryInOnePoolTransaction() throws Exception {
        PoolChanges c = PoolChanges.compute(
                "h1",
                spec("1-5", List.of(mem("1024MiB"), mem("512MiB"), mem("256MiB", 1)), "0000:01:00.0"),
                live(),
                mapping(false),
                Set.of(0, 1));
        assertThat(c.problems()).isEmpty();
        assertThat(c.cpuAdd()).containsExactly(16L, 18L); // CPUs 4 and 5 (node 1: 2n + 8)
        assertThat(c.cpuRemove()).isEmpty();
        assertThat(c.memoryAdd()).containsExactly(MemoryRequest.of(256 * MIB, 1));
        assertThat(c.memoryRemove()).isEmpty();
        assertThat(c.memoryMatch()).containsExactly(0, 1, -1);
        List<OverlayOperation> ops = c.operations();
        assertThat(ops).extracting(OverlayOperation::nodeName).containsExactly("memory-add", "cpu-add");
        // one fragment, read back in the same order, carrying the tag
        OverlayTransaction tx = new OverlayTransaction(ops, Optional.of(PoolResource.TAG));
        assertThat(tx.toTree().root().children().stream().filter(n -> n.name().startsWith("fragment@")))
                .hasSize(1);
    }

    @Test
    void cpusAndMemoryAnInstanceHoldsCannotLeaveThePool() throws Exception {
        PoolChanges c =
                PoolChanges.compute("h1", spec("1,3", List.of(mem("512MiB"))), live(), mapping(false), Set.of(0, 1));
        assertThat(c.problems())
                .extracting(AttributeProblem::path)
                .containsExactly(CtyPath.ROOT.attr("cpus"), CtyPath.ROOT.attr("memory"), CtyPath.ROOT.attr("devices"));
        assertThat(c.problems().get(0).summary()).isEqualTo("CPU 2 (APIC id 4) is given to instance \"web\"");
        assertThat(c.problems().get(1).summary())
                .contains("1GiB chunk at 0x100000000")
                .contains("\"web\"");
        assertThat(c.problems().get(1).detail()).contains("Keep a 1GiB entry on NUMA node 0");
        assertThat(c.problems().get(2).summary()).isEqualTo("PCI device 0000:01:00.0 is lent to instance \"web\"");
    }

    @Test
    void ofTwoChunksOfOneSizeTheHeldOneStays() throws Exception {
        PoolChunk freeFirst = PoolChunk.of(0x100000000L, GIB, 0);
        PoolChunk held = PoolChunk.of(0x200000000L, GIB, 0);
        LivePool live = new LivePool(
                List.of(2L),
                Set.of(2L),
                List.of(freeFirst, held),
                List.of(),
                List.of(new LivePool.Holder("db", Set.of(), List.<long[]>of(new long[] {held.base(), MIB}), Set.of())));
        PoolChanges c = PoolChanges.compute("h1", spec("1", List.of(mem("1GiB"))), live, mapping(false), Set.of());
        assertThat(c.problems()).isEmpty();
        assertThat(c.memoryRemove()).containsExactly(freeFirst);
    }

    @Test
    void aNodeBoundEntryKeepsItsChunkFromAnUnboundOne() throws Exception {
        LivePool live = new LivePool(List.of(2L), Set.of(2L), List.of(B, C), List.of(), List.of());
        PoolChunk n0 = PoolChunk.of(0x100000000L, 512 * MIB, 0);
        LivePool mixed = new LivePool(List.of(2L), Set.of(2L), List.of(n0, B), List.of(), List.of());
        PoolChanges c = PoolChanges.compute(
                "h1", spec("1", List.of(mem("512MiB"), mem("512MiB", 1))), mixed, mapping(false), Set.of(0, 1));
        assertThat(c.memoryMatch()).containsExactly(0, 1);
        assertThat(c.isEmpty()).isTrue();
        assertThat(PoolChanges.compute("h1", spec("1", List.of(mem("512MiB"))), live, mapping(false), Set.of())
                        .memoryRemove())
                .containsExactly(C);
    }

    @Test
    void unknownCpusUnnamedCpusAndNodesAreErrorsOnTheirAttributes() throws Exception {
        List<CpuState> noApic = List.of(
                new CpuState(0, OptionalInt.of(0), OptionalInt.of(0), true),
                new CpuState(1, OptionalInt.empty(), OptionalInt.of(0), false));
        PoolChanges c = PoolChanges.compute(
                "h1",
                spec("1,9", List.of(mem("1GiB", 3))),
                LivePool.EMPTY,
                CpuTopology.from(noApic).withRemembered(Map.of()),
                Set.of(0));
        assertThat(c.problems())
                .extracting(AttributeProblem::summary)
                .containsExactly(
                        "CPU 9 does not exist on host h1",
                        "The APIC id of CPU 1 is not known",
                        "NUMA node 3 does not exist on host h1");
        assertThat(c.problems().get(0).detail()).contains("Host h1 has CPUs 0-1");
        assertThat(c.problems().get(2).path())
                .isEqualTo(CtyPath.ROOT.attr("memory").index(0).attr("numa_node"));
        assertThat(c.problems().get(2).detail()).contains("NUMA nodes 0.");
    }

    @Test
    void creatingFromNothingAddsEverything() throws Exception {
        PoolChanges c = PoolChanges.compute(
                "h1",
                spec("1-2", List.of(mem("1GiB", 0)), "0000:81:00.0"),
                LivePool.EMPTY,
                mapping(true),
                Set.of(0, 1));
        assertThat(c.problems()).isEmpty();
        assertThat(c.cpuAdd()).containsExactly(2L, 4L);
        assertThat(c.memoryAdd()).containsExactly(MemoryRequest.of(GIB, 0));
        assertThat(c.deviceAdd()).containsExactly(PciAddress.parse("0000:81:00.0"));
    }

    @Test
    void releasingEverythingRemovesCpusDevicesAndEveryChunk() {
        LivePool live = new LivePool(
                List.of(2L, 6L), Set.of(2L, 6L), List.of(A, B), List.of(PciAddress.parse("0000:01:00.0")), List.of());
        List<OverlayOperation> ops = PoolChanges.releaseAll(live).operations();
        assertThat(ops)
                .extracting(OverlayOperation::nodeName)
                .containsExactly("cpu-remove", "device-remove", "memory-remove");
        assertThat(((OverlayOperation.MemoryRemove) ops.get(2)).ranges())
                .extracting(r -> r.base())
                .containsExactly(A.base(), B.base());
    }
}
