package dev.multikernel.provider.resources.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.spi.TfObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading a configuration without the host: every problem names its attribute. */
class PoolSpecTest {
    static final TfObject EMPTY = TfObject.empty(PoolSchema.schema().block());

    static TfObject memory(TfObject base, Object... sizeAndNode) {
        List<TfObject> entries = new java.util.ArrayList<>();
        for (int i = 0; i < sizeAndNode.length; i += 2) {
            entries.add(base.newNested("memory").with("size", sizeAndNode[i]).with("numa_node", sizeAndNode[i + 1]));
        }
        return base.with("memory", entries);
    }

    static TfObject devices(TfObject base, String... addresses) {
        return base.with(
                "devices",
                java.util.Arrays.stream(addresses)
                        .map(a -> base.newNested("devices").with("address", a))
                        .toList());
    }

    @Test
    void aValidConfigurationIsReadAsWritten() {
        TfObject config = devices(
                memory(EMPTY.with("host", "h1").with("cpus", "3,1-2"), "1024MiB", null, "512M", 1), "0000:01:00.0");
        Diagnostics d = new Diagnostics();
        PoolSpec spec = PoolSpec.read(config, d);
        assertThat(d.all()).isEmpty();
        assertThat(spec.known()).isTrue();
        assertThat(spec.cpus().orElseThrow().text()).isEqualTo("3,1-2");
        assertThat(spec.cpuSet().format()).isEqualTo("1-3");
        assertThat(spec.memoryList()).extracting(PoolSpec.Memory::text).containsExactly("1024MiB", "512M");
        assertThat(spec.memoryList().get(1).numaNode()).hasValue(1);
        assertThat(spec.memoryTotal().format()).isEqualTo("1536MiB");
        assertThat(spec.deviceList())
                .extracting(PoolSpec.Device::address)
                .containsExactly(PciAddress.parse("0000:01:00.0"));
    }

    @Test
    void aBadSizeIsAnErrorOnThatEntryListingTheAcceptedUnits() {
        Diagnostics d = new Diagnostics();
        PoolSpec.read(memory(EMPTY.with("host", "h1"), "1GiB", null, "4X", null), d);
        assertThat(d.all()).hasSize(1);
        Diagnostic e = d.all().get(0);
        assertThat(e.isError()).isTrue();
        assertThat(e.path()).contains(CtyPath.ROOT.attr("memory").index(1).attr("size"));
        assertThat(e.summary()).isEqualTo("Invalid size in memory[1].size");
        assertThat(e.detail())
                .contains("unknown unit \"X\"")
                .contains("K/KB/KiB")
                .contains("G/GB/GiB");
    }

    @Test
    void aSizeThatIsNotWholePagesSuggestsTheNeighbours() {
        Diagnostics d = new Diagnostics();
        PoolSpec.read(memory(EMPTY.with("host", "h1"), "5000B", null), d);
        assertThat(d.all()).singleElement().satisfies(e -> {
            assertThat(e.path()).contains(CtyPath.ROOT.attr("memory").index(0).attr("size"));
            assertThat(e.summary()).isEqualTo("5000B is not a whole number of 4KiB pages");
            assertThat(e.detail()).contains("use 4KiB or 8KiB");
        });
        Diagnostics zero = new Diagnostics();
        PoolSpec.read(memory(EMPTY.with("host", "h1"), "0", null), zero);
        assertThat(zero.all())
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("cannot be empty"));
    }

    @Test
    void badCpusNodesAndDevicesNameTheirAttributes() {
        Diagnostics d = new Diagnostics();
        TfObject config = devices(
                memory(EMPTY.with("host", "h1").with("cpus", "7-4"), "1GiB", -1),
                "0000:01:00.0",
                "0000:01:00.0",
                "01:00.0");
        PoolSpec.read(config, d);
        Map<CtyPath, String> byPath = new java.util.HashMap<>();
        d.all().forEach(x -> byPath.put(x.path().orElseThrow(), x.summary() + " / " + x.detail()));
        assertThat(byPath)
                .containsOnlyKeys(
                        CtyPath.ROOT.attr("cpus"),
                        CtyPath.ROOT.attr("memory").index(0).attr("numa_node"),
                        CtyPath.ROOT.attr("devices").index(1).attr("address"),
                        CtyPath.ROOT.attr("devices").index(2).attr("address"));
        assertThat(byPath.get(CtyPath.ROOT.attr("cpus"))).contains("from low to high");
        assertThat(byPath.get(CtyPath.ROOT.attr("devices").index(1).attr("address")))
                .contains("listed twice");
        assertThat(byPath.get(CtyPath.ROOT.attr("devices").index(2).attr("address")))
                .contains("DDDD:BB:SS.F");
    }

    @Test
    void unknownValuesAreNotErrors() {
        Diagnostics d = new Diagnostics();
        PoolSpec spec = PoolSpec.read(EMPTY.with("host", "h1").withUnknown("cpus"), d);
        assertThat(d.all()).isEmpty();
        assertThat(spec.known()).isFalse();
    }
}
