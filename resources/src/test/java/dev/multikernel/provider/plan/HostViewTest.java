package dev.multikernel.provider.plan;

import static dev.multikernel.provider.plan.Hosts.GiB;
import static dev.multikernel.provider.plan.Hosts.cpu;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.devicetree.multikernel.PciFunction;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.host.state.DeviceTreeBlob;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.host.state.IomemRange;
import dev.multikernel.host.state.PoolState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HostViewTest {
    private static List<CpuState> cpus(int n) {
        List<CpuState> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new CpuState(i, OptionalInt.of(2 * i), OptionalInt.of(i < n / 2 ? 0 : 1), i < 4));
        }
        return out;
    }

    @Test
    void currentTreeInLogicalNumbers() {
        PoolTree pool = new PoolTree(
                List.of(8L, 10L, 12L, 14L, 99L),
                List.of(12L, 14L),
                List.of(PoolChunk.of(0x1_0000_0000L, GiB, 0)),
                List.of(),
                List.of(PciFunction.of("0000:09:00.0", 0x8086, 0x10fb)),
                Map.of());
        InstanceTree web = new InstanceTree(
                "web",
                3,
                0x1_0000_0000L,
                256L << 20,
                List.of(8L, 10L),
                List.of(),
                List.of(PciFunction.of("0000:0a:00.0", 0x8086, 0x10fb)),
                Map.of());
        InstanceState ws = new InstanceState(
                "web",
                OptionalInt.of(3),
                InstanceStatus.ACTIVE,
                "active",
                Optional.of(DeviceTreeBlob.decode(Fdt.write(web.toTree()), InstanceTree::read)),
                Optional.empty());
        HostState state = new HostState(
                InterfaceGeneration.CURRENT,
                true,
                Optional.of("7.0"),
                "boot",
                cpus(8),
                Optional.of(new PoolState(DeviceTreeBlob.decode(Fdt.write(pool.toTree()), PoolTree::read))),
                List.of(ws),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                List.of());
        HostView v = HostView.from("h1", state);
        assertThat(v.unusable()).isEmpty();
        assertThat(v.poolCpus()).isEqualTo(cpu("4-7"));
        assertThat(v.unnamedPoolCpus()).containsExactly(99L);
        assertThat(v.instances()).singleElement().satisfies(i -> {
            assertThat(i.cpus()).isEqualTo(cpu("4-5"));
            assertThat(i.memory()).containsExactly(MemoryChunk.of(0x1_0000_0000L, 256L << 20, 0));
            assertThat(i.devices()).containsExactly(PciAddress.parse("0000:0a:00.0"));
        });
        assertThat(v.allDevices()).containsExactly(PciAddress.parse("0000:09:00.0"), PciAddress.parse("0000:0a:00.0"));
        assertThat(v.topology().nodeOf(6)).isEqualTo(1);
        // 8, 10 held by web, 12 and 14 available: nothing unaccounted
        assertThat(v.unaccountedCpus()).isEqualTo(cpu(""));
    }

    @Test
    void currentTreeWithoutPoolIsUnusable() {
        HostState state = new HostState(
                InterfaceGeneration.CURRENT,
                true,
                Optional.empty(),
                "boot",
                cpus(4),
                Optional.empty(),
                List.of(),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                List.of());
        assertThat(HostView.from("h1", state).unusable())
                .contains("host h1 has no pool yet: create a multikernel_pool first");
    }

    @Test
    void unmountedIsUnusable() {
        HostState state = new HostState(
                InterfaceGeneration.UNKNOWN,
                false,
                Optional.empty(),
                "boot",
                cpus(4),
                Optional.empty(),
                List.of(),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                List.of());
        assertThat(HostView.from("h1", state).unusable()).contains("/sys/fs/multikernel is not mounted on host h1");
    }

    @Test
    void v2ReadsIomemAndDeviceTreeSource() {
        String src = "/dts-v1/;\n/web {\n\tcompatible = \"multikernel-v1\";\n\tid = <1>;\n\tresources {\n"
                + "\t\tcpus = [00 00 00 02 00 00 00 03];\n\t\tmemory-bytes = <0x40000000>; // 1024 MB\n\t};\n};\n";
        InstanceState web = new InstanceState(
                "web", OptionalInt.of(1), InstanceStatus.LOADING, "loading", Optional.empty(), Optional.of(src));
        HostState state = new HostState(
                InterfaceGeneration.RFC_V2,
                true,
                Optional.empty(),
                "boot",
                cpus(8),
                Optional.empty(),
                List.of(web),
                List.of(),
                Optional.empty(),
                Optional.of(List.of(
                        new IomemRange(0x1_0000_0000L, 0x1_7fff_ffffL, "Multikernel Memory Pool", 0),
                        new IomemRange(0x1_0000_0000L, 0x1_3fff_ffffL, "mk-instance-1-web-region-0", 1))),
                List.of());
        HostView v = HostView.from("h2", state);
        assertThat(v.poolCpus()).isEqualTo(cpu("0-7"));
        assertThat(v.poolMemory()).containsExactly(MemoryChunk.of(0x1_0000_0000L, 2 * GiB));
        assertThat(v.instance("web").orElseThrow().cpus()).isEqualTo(cpu("2-3"));
        assertThat(v.instance("web").orElseThrow().memoryBytes()).isEqualTo(GiB);
    }

    @Test
    void v2CpusForms() {
        assertThat(HostView.v2Cpus("  cpus = <5>;")).isEqualTo(cpu("5"));
        assertThat(HostView.v2Cpus("cpus = [00 00 00 02 00 00 00 03];")).isEqualTo(cpu("2-3"));
        assertThat(HostView.v2Cpus("cpus = [00 00 02];")).isEqualTo(cpu(""));
        assertThat(HostView.v2Cpus("cpus = [zz 00 00 02];")).isEqualTo(cpu(""));
        assertThat(HostView.v2Cpus("nothing here")).isEqualTo(cpu(""));
    }
}
