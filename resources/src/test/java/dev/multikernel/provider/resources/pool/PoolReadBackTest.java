package dev.multikernel.provider.resources.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.provider.plan.CpuTopology;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import dev.tfjvm.spi.TfObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** State is written in the user's form when it denotes what the host has, so apply then plan shows nothing. */
class PoolReadBackTest {
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    static final PoolSpec NOTHING = new PoolSpec(Optional.empty(), Optional.empty(), Optional.empty(), true);

    static LivePool live() {
        return new LivePool(
                List.of(6L, 2L, 4L),
                Set.of(2L, 4L, 6L),
                List.of(PoolChunk.of(0x200000000L, 512 * MIB, 1), PoolChunk.of(0x100000000L, GIB, 0)),
                List.of(PciAddress.parse("0000:81:00.0")),
                List.of());
    }

    static PoolSpec wanted(String cpus, List<PoolSpec.Memory> memory, List<String> devices) throws Exception {
        return new PoolSpec(
                Optional.of(new PoolSpec.Cpus(cpus, CpuList.parse(cpus))),
                Optional.of(memory),
                Optional.of(devices.stream()
                        .map(d -> new PoolSpec.Device(d, PciAddress.parse(d)))
                        .toList()),
                true);
    }

    static PoolSpec.Memory mem(String size, OptionalInt node) throws Exception {
        return new PoolSpec.Memory(size, ByteSize.parse(size), node);
    }

    @Test
    void theSpellingIsKeptWhenItDenotesWhatTheHostHas() throws Exception {
        PoolReadBack.Values v = PoolReadBack.current(
                live(),
                PoolChangesTest.mapping(true),
                wanted(
                        "3,1-2",
                        List.of(mem("1024MiB", OptionalInt.empty()), mem("0.5GiB", OptionalInt.of(1))),
                        List.of("0000:81:00.0")));
        assertThat(v.cpus()).contains("3,1-2");
        assertThat(v.physicalIds()).containsExactly(2L, 4L, 6L);
        assertThat(v.memory().orElseThrow())
                .containsExactly(
                        new PoolReadBack.MemoryValue("1024MiB", OptionalInt.of(0)),
                        new PoolReadBack.MemoryValue("0.5GiB", OptionalInt.of(1)));
        assertThat(v.devices()).contains(List.of("0000:81:00.0"));
        assertThat(v.unmapped()).isEmpty();
    }

    @Test
    void driftIsWrittenCanonically() throws Exception {
        // state said CPUs 1-2 and one 2GiB chunk; the host has CPUs 1-3, 1GiB + 512MiB and a device
        PoolReadBack.Values v = PoolReadBack.current(
                live(),
                PoolChangesTest.mapping(true),
                wanted("1,2", List.of(mem("2GiB", OptionalInt.empty())), List.of()));
        assertThat(v.cpus()).contains("1-3");
        assertThat(v.memory().orElseThrow())
                .containsExactly(
                        new PoolReadBack.MemoryValue("1GiB", OptionalInt.of(0)),
                        new PoolReadBack.MemoryValue("512MiB", OptionalInt.of(1)));
        assertThat(v.devices()).contains(List.of("0000:81:00.0"));
    }

    @Test
    void importWritesTheCanonicalFormAndNullStaysNull() {
        PoolReadBack.Values v = PoolReadBack.current(live(), PoolChangesTest.mapping(true), NOTHING);
        assertThat(v.cpus()).contains("1-3");
        assertThat(v.memory().orElseThrow())
                .extracting(PoolReadBack.MemoryValue::size)
                .containsExactly("1GiB", "512MiB");
        LivePool noDevices = new LivePool(List.of(2L), Set.of(2L), live().chunks(), List.of(), List.of());
        assertThat(PoolReadBack.current(noDevices, PoolChangesTest.mapping(true), NOTHING)
                        .devices())
                .isEmpty();
    }

    @Test
    void withoutTheHostsMappingTheOneKeptInStateTranslates() throws Exception {
        // the host no longer reports APIC ids of its (offline) pool CPUs; state paired cpus with the ids
        Map<Integer, Long> pairs = CpuTopology.pairs("1-2", List.of(2L, 4L));
        CpuTopology mapping = CpuTopology.from(PoolChangesTest.cpus(false)).withRemembered(pairs);
        PoolReadBack.Values v = PoolReadBack.current(
                live(), mapping, wanted("1-2", List.of(mem("1GiB", OptionalInt.of(0))), List.of()));
        assertThat(v.cpus()).contains("1-2"); // CPU with APIC id 6 has no known number: not guessed
        assertThat(v.physicalIds()).containsExactly(2L, 4L, 6L);
        assertThat(v.unmapped()).containsExactly(6L);
    }

    @Test
    void theHostsMappingWinsOverAStaleOne() {
        CpuTopology mapping = CpuTopology.from(PoolChangesTest.cpus(true)).withRemembered(Map.of(1, 40L, 7, 2L));
        assertThat(mapping.physicalOf(1)).hasValue(2L);
        assertThat(mapping.logicalOf(40L)).isEmpty();
        assertThat(mapping.physicalOf(7)).hasValue(22L);
    }

    @Test
    void rfcV2MemoryIsTheBootTimePoolInTheUsersForm() throws Exception {
        long pool = 4 * GIB;
        PoolSpec asWritten = new PoolSpec(
                Optional.empty(), Optional.of(List.of(mem("4096MiB", OptionalInt.empty()))), Optional.empty(), true);
        assertThat(PoolReadBack.rfcV2(pool, asWritten, false).memory().orElseThrow())
                .containsExactly(new PoolReadBack.MemoryValue("4096MiB", OptionalInt.empty()));
        assertThat(PoolReadBack.rfcV2(pool, NOTHING, false).memory().orElseThrow())
                .containsExactly(new PoolReadBack.MemoryValue("4GiB", OptionalInt.empty()));
        assertThat(PoolReadBack.rfcV2(pool, NOTHING, true).memory().orElseThrow())
                .containsExactly(new PoolReadBack.MemoryValue("4GiB", OptionalInt.empty()));
        PoolSpec other = new PoolSpec(
                Optional.empty(), Optional.of(List.of(mem("2GiB", OptionalInt.empty()))), Optional.empty(), true);
        assertThat(PoolReadBack.rfcV2(pool, other, false).memory().orElseThrow())
                .extracting(PoolReadBack.MemoryValue::size)
                .containsExactly("4GiB");
        PoolReadBack.Values v = PoolReadBack.rfcV2(pool, asWritten, false);
        assertThat(v.cpus()).isEmpty();
        assertThat(v.physicalIds()).isEmpty();
        assertThat(v.devices()).isEmpty();
    }

    @Test
    void stateObjectsCarryTheValues() throws Exception {
        TfObject base = PoolSpecTest.EMPTY.with("host", "h1");
        TfObject s = PoolResource.withValues(
                base,
                PoolReadBack.current(
                        live(),
                        PoolChangesTest.mapping(true),
                        wanted("1-3", List.of(mem("1GiB", OptionalInt.empty())), List.of())));
        assertThat(s.string("cpus")).contains("1-3");
        assertThat(s.objects("memory")).hasSize(2);
        assertThat(s.objects("memory").get(0).longValue("numa_node")).contains(0L);
        assertThat(s.objects("devices").get(0).string("address")).contains("0000:81:00.0");
        // what PoolSpec reads back from state is what was written
        PoolSpec again = PoolSpec.read(s, new dev.tfjvm.diag.Diagnostics());
        assertThat(again.memoryList().get(1).numaNode()).hasValue(1);
    }

    @Test
    void theSchemaReplacesOnHostAndKeepsComputedValues() {
        var block = PoolSchema.schema().block();
        assertThat(block.attribute("host").orElseThrow().planModifiers()).isNotEmpty();
        assertThat(block.attribute("host").orElseThrow().required()).isTrue();
        assertThat(block.attribute("boot_id").orElseThrow().computed()).isTrue();
        var memory = block.attribute("memory").orElseThrow().nested().orElseThrow();
        assertThat(memory.attribute("numa_node").orElseThrow().optional()).isTrue();
        assertThat(memory.attribute("numa_node").orElseThrow().computed()).isTrue();
        assertThat(memory.attribute("size").orElseThrow().required()).isTrue();
        assertThat(new dev.multikernel.provider.MultikernelProvider().resources())
                .extracting(r -> r.typeName())
                .contains("multikernel_pool");
    }
}
