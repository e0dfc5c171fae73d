package dev.multikernel.provider.datasources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.host.state.DeviceTreeBlob;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.host.state.KernelImage;
import dev.multikernel.host.state.PoolState;
import dev.tfjvm.spi.TfObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** How a host state read back becomes the data sources' attributes, without a host. */
class HostDataSourceTest {
    static final long MIB = 1L << 20;

    /** Logical 0-7; APIC ids 0,2,4,6 on node 0 and 16,18,20,22 on node 1; 5 and 6 with unknown APIC ids. */
    static List<CpuState> cpus() {
        return List.of(
                cpu(0, 0, 0, true),
                cpu(1, 2, 0, false),
                cpu(2, 4, 0, false),
                cpu(3, 6, 0, true),
                cpu(4, 16, 1, false),
                new CpuState(5, OptionalInt.empty(), OptionalInt.of(1), false),
                new CpuState(6, OptionalInt.empty(), OptionalInt.empty(), true),
                cpu(7, 22, 1, true));
    }

    static CpuState cpu(int logical, int apic, int node, boolean online) {
        return new CpuState(logical, OptionalInt.of(apic), OptionalInt.of(node), online);
    }

    static HostState state() {
        PoolTree pool = new PoolTree(
                List.of(16L, 2L, 4L, 18L),
                List.of(16L, 18L),
                List.of(
                        new PoolChunk(0x40000000L, 512 * MIB, OptionalInt.of(0)),
                        new PoolChunk(0x80000000L, 512 * MIB, OptionalInt.empty())),
                List.of(),
                List.of(),
                Map.of());
        InstanceTree web =
                new InstanceTree("web", 1, 0x40000000L, 256 * MIB, List.of(4L, 2L), List.of(), List.of(), Map.of());
        InstanceState webState = new InstanceState(
                "web",
                OptionalInt.of(1),
                InstanceStatus.ACTIVE,
                "active",
                Optional.of(DeviceTreeBlob.decode(Fdt.write(web.toTree()), InstanceTree::read)),
                Optional.empty());
        InstanceState broken = new InstanceState(
                "odd", OptionalInt.empty(), InstanceStatus.UNRECOGNISED, "frozen", Optional.empty(), Optional.empty());
        return new HostState(
                InterfaceGeneration.CURRENT,
                true,
                Optional.of("6.18.0"),
                "boot-1",
                cpus(),
                Optional.of(new PoolState(DeviceTreeBlob.decode(Fdt.write(pool.toTree()), PoolTree::read))),
                List.of(broken, webState),
                List.of(),
                Optional.of(List.of(new KernelImage(1, "multikernel", "0xffffffff81000000", 4))),
                Optional.empty(),
                List.of("iomem: unreadable"));
    }

    @Test
    void hostAttributesSpeakLogicalCpusWithPhysicalIdsBeside() {
        TfObject empty = TfObject.empty(new HostDataSource(null).schema().block());
        TfObject r = HostDataSource.describe(empty.with("host", "h"), state());
        assertThat(r.string("interface_generation")).contains("current");
        assertThat(r.bool("mounted")).contains(true);
        assertThat(r.string("kernel_release")).contains("6.18.0");
        assertThat(r.string("boot_id")).contains("boot-1");
        assertThat(r.string("online_cpus")).contains("0,3,6-7");
        List<TfObject> cpus = r.objects("cpus");
        assertThat(cpus).hasSize(8);
        assertThat(cpus.get(4).longValue("apic_id")).contains(16L);
        assertThat(cpus.get(5).isNull("apic_id")).isTrue();
        assertThat(cpus.get(6).isNull("numa_node")).isTrue();

        TfObject pool = r.object("pool").orElseThrow();
        assertThat(pool.string("cpus")).contains("1-2,4"); // 2→1, 4→2, 16→4; 18 has no known logical number
        assertThat(numbers(pool, "physical_cpu_ids")).containsExactly(2L, 4L, 16L, 18L);
        assertThat(numbers(pool, "unmapped_physical_cpu_ids")).containsExactly(18L);
        assertThat(pool.string("free_cpus")).contains("4");
        assertThat(numbers(pool, "free_physical_cpu_ids")).containsExactly(16L, 18L);
        assertThat(pool.longValue("memory_bytes")).contains(1024 * MIB);
        assertThat(pool.string("memory")).contains("1GiB");
        assertThat(pool.longValue("free_memory_bytes")).contains(768 * MIB);
        assertThat(pool.string("free_memory")).contains("768MiB");

        assertThat(r.objects("instances"))
                .extracting(i -> i.string("name").orElseThrow())
                .containsExactly("odd", "web");
        assertThat(r.objects("instances").get(0).isNull("id")).isTrue();
        assertThat(r.objects("instances").get(0).string("status")).contains("frozen");
        assertThat(r.objects("kernel_images"))
                .singleElement()
                .satisfies(k -> assertThat(k.string("start")).contains("0xffffffff81000000"));
        assertThat(r.strings("warnings")).containsExactly("iomem: unreadable");
        assertThat(r.isWhollyKnown()).isTrue();
    }

    @Test
    void instancesCarryTheirCpusAndMemoryWhenTheHostReportsThem() {
        TfObject empty = TfObject.empty(new InstancesDataSource(null).schema().block());
        List<TfObject> instances =
                InstancesDataSource.describe(empty.with("host", "h"), state()).objects("instances");
        TfObject odd = instances.get(0);
        assertThat(odd.isNull("cpus")).isTrue();
        assertThat(odd.isNull("memory_bytes")).isTrue();
        TfObject web = instances.get(1);
        assertThat(web.string("cpus")).contains("1-2");
        assertThat(numbers(web, "physical_cpu_ids")).containsExactly(2L, 4L);
        assertThat(web.longValue("memory_bytes")).contains(256 * MIB);
        assertThat(web.string("memory")).contains("256MiB");
        assertThat(web.string("status")).contains("active");
    }

    @Test
    void aHostWithoutPoolOrImagesHasANullPoolAndEmptyLists() {
        HostState bare = new HostState(
                InterfaceGeneration.UNKNOWN,
                false,
                Optional.empty(),
                "b",
                cpus(),
                Optional.empty(),
                List.of(),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                List.of());
        TfObject r = HostDataSource.describe(
                TfObject.empty(new HostDataSource(null).schema().block()).with("host", "h"), bare);
        assertThat(r.object("pool")).isEmpty();
        assertThat(r.isNull("kernel_release")).isTrue();
        assertThat(r.objects("kernel_images")).isEmpty();
        assertThat(r.objects("instances")).isEmpty();
        assertThat(r.string("interface_generation")).contains("unknown");
    }

    private static List<Long> numbers(TfObject o, String name) {
        return ((dev.tfjvm.cty.CtyValue.ListVal) o.get(name))
                .elements().stream()
                        .map(v -> ((dev.tfjvm.cty.CtyValue.Num) v).value().bigDecimalValue())
                        .map(BigDecimal::longValueExact)
                        .toList();
    }
}
