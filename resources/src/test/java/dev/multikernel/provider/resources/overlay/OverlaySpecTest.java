package dev.multikernel.provider.resources.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.CpuItem;
import dev.multikernel.host.devicetree.multikernel.InstanceResources;
import dev.multikernel.host.devicetree.multikernel.MemoryRange;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayOps;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PciItem;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.host.state.DeviceTreeBlob;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.host.state.PoolState;
import dev.multikernel.provider.kernel.Compensation;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.spi.TfObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OverlaySpecTest {
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    static final TfObject EMPTY =
            TfObject.empty(new OverlayResource(null).schema().block()).with("host", "h1");
    /** logical n → APIC 2n; CPU 6 and 7 unknown (offline in the host). */
    static final Map<Integer, Long> PHYSICAL = Map.of(0, 0L, 1, 2L, 2, 4L, 3, 6L, 4, 8L, 5, 10L);

    static Map<Long, Integer> logical() {
        Map<Long, Integer> m = new HashMap<>();
        PHYSICAL.forEach((l, p) -> m.put(p, l));
        return m;
    }

    static OverlaySpec.Parsed parse(TfObject o) {
        return OverlaySpec.parse(o);
    }

    @Test
    void poolOperationsComeInTheKernelsOrderWithPhysicalIds() throws Exception {
        TfObject o = EMPTY.with("cpu_add", "4-5")
                .with("cpu_remove", "1")
                .with(
                        "memory_add",
                        List.of(EMPTY.newNested("memory_add")
                                .with("size", "1GiB")
                                .with("numa_node", 1)))
                .with(
                        "memory_remove",
                        List.of(EMPTY.newNested("memory_remove")
                                .with("base", "0x40000000")
                                .with("size", "512MiB")))
                .with("device_add", List.of("0000:03:00.0"))
                .with("device_remove", List.of("0000:04:00.1"));
        OverlaySpec spec = parse(o).spec().orElseThrow();
        List<OverlayOperation> ops = spec.operations(PHYSICAL);
        assertThat(ops)
                .extracting(OverlayOperation::nodeName)
                .containsExactly("cpu-remove", "device-remove", "memory-remove", "memory-add", "cpu-add", "device-add");
        assertThat(ops.get(0)).isEqualTo(OverlayOps.cpuRemove(OverlayTarget.POOL, 2));
        assertThat(ops.get(2))
                .isEqualTo(OverlayOps.memoryRemove(OverlayTarget.POOL, MemoryRange.of(0x40000000L, 512 * MIB)));
        assertThat(ops.get(3)).isEqualTo(OverlayOps.poolMemoryAdd(MemoryRequest.of(GIB, 1)));
        assertThat(ops.get(4)).isEqualTo(OverlayOps.cpuAdd(OverlayTarget.POOL, 8, 10));
        // one fragment: the kernel runs exactly this list
        OverlayTransaction written =
                OverlayTransaction.read(Fdt.parse(Fdt.write(OverlayOps.toTree(OverlayEffects.TAG, ops))));
        assertThat(written.operations()).isEqualTo(ops);
        assertThat(written.resourcesTag()).contains("terraform:overlay");
    }

    @Test
    void instanceOperationsNeedABaseForMemory() throws Exception {
        TfObject o = EMPTY.with("instance", "web")
                .with("cpu_add", "3")
                .with("memory_add", List.of(EMPTY.newNested("memory_add").with("size", "64MiB")));
        OverlaySpec.Parsed p = parse(o);
        assertThat(p.spec()).isEmpty();
        assertThat(p.problems()).singleElement().satisfies(pr -> {
            assertThat(pr.path().toString()).contains("memory_add").contains("base");
            assertThat(pr.detail()).contains("memory_add[0]").contains("set base");
        });
        o = o.with(
                "memory_add",
                List.of(EMPTY.newNested("memory_add").with("size", "64MiB").with("base", "0x140000000")));
        List<OverlayOperation> ops = parse(o).spec().orElseThrow().operations(PHYSICAL);
        assertThat(ops)
                .containsExactly(
                        OverlayOps.instanceMemoryAdd("web", MemoryRange.of(0x140000000L, 64 * MIB)),
                        OverlayOps.cpuAdd(OverlayTarget.instance("web"), 6));
        // and the pool takes no base
        TfObject pool = EMPTY.with(
                "memory_add",
                List.of(EMPTY.newNested("memory_add").with("size", "64MiB").with("base", "0x140000000")));
        assertThat(parse(pool).problems())
                .singleElement()
                .satisfies(pr -> assertThat(pr.summary()).isEqualTo("base is for instances only"));
    }

    @Test
    void malformedValuesAreProblemsNamingTheAttribute() {
        OverlaySpec.Parsed p = parse(EMPTY.with("cpu_add", "4-x")
                .with("cpu_remove", "2,2")
                .with("device_add", List.of("03:00.0"))
                .with(
                        "memory_remove",
                        List.of(EMPTY.newNested("memory_remove")
                                .with("base", "banana")
                                .with("size", "1000"))));
        assertThat(p.spec()).isEmpty();
        assertThat(p.problems())
                .extracting(pr -> pr.summary())
                .containsExactlyInAnyOrder(
                        "Invalid cpu_add",
                        "Invalid cpu_remove",
                        "Invalid PCI address",
                        "Invalid size",
                        "Invalid address");
        assertThat(p.problems())
                .filteredOn(pr -> pr.summary().equals("Invalid cpu_add"))
                .singleElement()
                .satisfies(pr -> assertThat(pr.detail()).startsWith("cpu_add: ").contains("\"4-x\""));
        assertThat(p.problems())
                .filteredOn(pr -> pr.summary().equals("Invalid size"))
                .singleElement()
                .satisfies(pr -> assertThat(pr.detail())
                        .contains("memory_remove[0].size")
                        .contains("\"4KiB\""));
    }

    @Test
    void anOverlayNeedsAnOperationAndOneSideForEachCpu() {
        assertThat(parse(EMPTY).problems())
                .singleElement()
                .satisfies(pr -> assertThat(pr.summary()).isEqualTo("Nothing to do"));
        assertThat(parse(EMPTY.with("cpu_add", "1-3").with("cpu_remove", "3")).problems())
                .singleElement()
                .satisfies(pr -> assertThat(pr.detail()).contains("both list 3"));
    }

    @Test
    void unknownValuesAreNotProblems() {
        OverlaySpec.Parsed p = parse(EMPTY.with("cpu_add", CtyValue.unknown(dev.tfjvm.cty.CtyType.STRING)));
        assertThat(p.spec()).isEmpty();
        assertThat(p.problems()).isEmpty();
    }

    @Test
    void aCpuWithoutAKnownPhysicalIdIsNeverGuessed() throws Exception {
        OverlaySpec spec = parse(EMPTY.with("cpu_remove", "5-7")).spec().orElseThrow();
        assertThatThrownBy(() -> spec.operations(PHYSICAL))
                .isInstanceOf(OverlaySpec.UnmappedCpuException.class)
                .hasMessageStartingWith("cpu_remove: the physical (APIC) id of CPU 6-7 is not known");
    }

    @Test
    void importTurnsATransactionBackIntoTheUsersForm() throws Exception {
        OverlayTransaction tx = OverlayTransaction.of(
                OverlayOps.cpuRemove(OverlayTarget.POOL, 4, 2),
                OverlayOps.deviceRemove(OverlayTarget.POOL, "0000:0A:00.1"),
                OverlayOps.poolMemoryAdd(MemoryRequest.of(GIB), MemoryRequest.of(1536 * MIB, 1)),
                OverlayOps.cpuAdd(OverlayTarget.POOL, 10));
        OverlaySpec spec = OverlaySpec.fromTransaction(tx, logical());
        assertThat(spec.cpuRemove().format()).isEqualTo("1-2");
        TfObject attrs = spec.toAttributes(EMPTY);
        assertThat(attrs.string("cpu_remove")).contains("1-2");
        assertThat(attrs.string("cpu_add")).contains("5");
        assertThat(attrs.strings("device_remove")).containsExactly("0000:0a:00.1");
        assertThat(attrs.objects("memory_add"))
                .extracting(m -> m.string("size").orElseThrow())
                .containsExactly("1GiB", "1536MiB");
        assertThat(attrs.objects("memory_add").get(1).longValue("numa_node")).contains(1L);
        assertThat(attrs.isNull("instance")).isTrue();
        assertThat(attrs.isNull("memory_remove")).isTrue();
        // parsing the imported attributes writes the same transaction again
        assertThat(OverlaySpec.parse(attrs).spec().orElseThrow()).isEqualTo(spec);
        assertThat(spec.operations(PHYSICAL)).hasSameSizeAs(tx.operations());
    }

    @Test
    void importRefusesWhatTheResourceCannotWrite() {
        Map<Long, Integer> logical = logical();
        assertThatThrownBy(() -> OverlaySpec.fromTransaction(
                        OverlayTransaction.of(
                                OverlayOps.instanceCreate("web", new InstanceResources(GIB, List.of(2L), List.of()))),
                        logical))
                .hasMessageContaining("creates or removes instances");
        assertThatThrownBy(() -> OverlaySpec.fromTransaction(
                        OverlayTransaction.of(
                                OverlayOps.cpuAdd(OverlayTarget.POOL, 2),
                                OverlayOps.cpuAdd(OverlayTarget.instance("web"), 2)),
                        logical))
                .hasMessageContaining("changes both /resources and /instances/web");
        assertThatThrownBy(() -> OverlaySpec.fromTransaction(
                        OverlayTransaction.of(
                                new OverlayOperation.CpuAdd(OverlayTarget.POOL, List.of(CpuItem.of(2, 0)))),
                        logical))
                .hasMessageContaining("numa-node-id or flags");
        assertThatThrownBy(() -> OverlaySpec.fromTransaction(
                        OverlayTransaction.of(
                                OverlayOps.deviceAdd(OverlayTarget.POOL, PciItem.withAlias("0000:03:00.0", "eth9"))),
                        logical))
                .hasMessageContaining("alias, driver or flags");
        assertThatThrownBy(() -> OverlaySpec.fromTransaction(
                        OverlayTransaction.of(OverlayOps.cpuAdd(OverlayTarget.POOL, 12, 14)), logical))
                .hasMessageContaining("names APIC ids 12, 14, whose logical CPU number the host does not report");
        // the kernel would run cpu-add before device-remove only in two fragments; we write one
        assertThatThrownBy(() -> OverlaySpec.fromTransaction(
                        OverlayTransaction.of(
                                OverlayOps.cpuAdd(OverlayTarget.POOL, 2), OverlayOps.cpuRemove(OverlayTarget.POOL, 4)),
                        logical))
                .hasMessageContaining("order multikernel_overlay would not write (cpu-add, cpu-remove)");
    }

    @Test
    void describeNamesBothCpuNames() throws Exception {
        List<OverlayOperation> ops = parse(EMPTY.with("instance", "web")
                        .with("cpu_add", "2")
                        .with("device_remove", List.of("0000:03:00.0")))
                .spec()
                .orElseThrow()
                .operations(PHYSICAL);
        assertThat(OverlaySpec.describe(ops, logical()))
                .isEqualTo("cpu-add of CPU 2 (APIC id 4) to instance \"web\"; device-remove of 0000:03:00.0 from "
                        + "instance \"web\"");
    }

    @Test
    void sameMeaningInOtherWordsIsNoChange() {
        TfObject a = EMPTY.with("cpu_add", "4-7")
                .with("device_add", List.of("0000:0a:00.0", "0000:03:00.0"))
                .with("memory_add", List.of(EMPTY.newNested("memory_add").with("size", "1GiB")));
        TfObject b = EMPTY.with("cpu_add", "7,4-6")
                .with("device_add", List.of("0000:03:00.0", "0000:0A:00.0"))
                .with("memory_add", List.of(EMPTY.newNested("memory_add").with("size", "1024MiB")));
        assertThat(Meaning.sameOverlay(a, b)).isTrue();
        assertThat(Meaning.sameOverlay(a, b.with("cpu_add", "4-8"))).isFalse();
        assertThat(Meaning.sameOverlay(
                        a,
                        b.with(
                                "memory_add",
                                List.of(EMPTY.newNested("memory_add")
                                        .with("size", "1GiB")
                                        .with("numa_node", 0)))))
                .isFalse();
        assertThat(Meaning.sameOverlay(a, b.with("host", "h2"))).isFalse();
    }

    @Test
    void compensationUndoesWhatTookEffectInReverse() {
        List<OverlayOperation> written = List.of(
                OverlayOps.cpuRemove(OverlayTarget.POOL, 4),
                OverlayOps.poolMemoryAdd(MemoryRequest.of(GIB)),
                OverlayOps.cpuAdd(OverlayTarget.POOL, 8, 10),
                OverlayOps.deviceAdd(OverlayTarget.POOL, PciItem.of("0000:77:00.0")));
        HostState before = pooled(List.of(2L, 4L), List.of(new PoolChunk(0x40000000L, GIB, OptionalInt.of(0))));
        // cpu-remove and memory-add ran, cpu-add got as far as APIC id 8, device-add failed
        HostState after = pooled(
                List.of(2L, 8L),
                List.of(
                        new PoolChunk(0x40000000L, GIB, OptionalInt.of(0)),
                        new PoolChunk(0x100000000L, GIB, OptionalInt.of(0))));
        Compensation c = Compensation.of(written, before, after);
        assertThat(c.tookEffect())
                .containsExactly(written.get(0), written.get(1), OverlayOps.cpuAdd(OverlayTarget.POOL, 8));
        assertThat(c.inverse())
                .containsExactly(
                        OverlayOps.cpuRemove(OverlayTarget.POOL, 8),
                        OverlayOps.memoryRemove(OverlayTarget.POOL, MemoryRange.of(0x100000000L, GIB)),
                        OverlayOps.cpuAdd(OverlayTarget.POOL, 4));
        assertThat(Compensation.of(written, before, before).inverse()).isEmpty();
    }

    static HostState pooled(List<Long> cpus, List<PoolChunk> chunks) {
        PoolTree pool = new PoolTree(cpus, cpus, chunks, List.of(), List.of(), Map.of());
        return new HostState(
                InterfaceGeneration.CURRENT,
                true,
                Optional.empty(),
                "boot",
                List.of(new CpuState(0, OptionalInt.of(0), OptionalInt.of(0), true)),
                Optional.of(new PoolState(DeviceTreeBlob.decode(Fdt.write(pool.toTree()), PoolTree::read))),
                List.of(),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                List.of());
    }
}
