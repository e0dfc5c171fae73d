package dev.multikernel.host.mkctl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.InstanceResources;
import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.host.state.IomemRange;
import dev.multikernel.host.state.TransactionStatus;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mkctl state} answers become a {@link HostState} with parsed device trees. */
class StateAnswerTest {

    @TempDir
    Path tmp;

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void parsesTheWholeStateWithItsDeviceTrees() throws Exception {
        byte[] pool = Fdt.write(new PoolTree(
                        List.of(2L, 4L),
                        List.of(4L),
                        List.of(new PoolChunk(0x100000000L, 1L << 30, OptionalInt.of(0))),
                        List.of(),
                        List.of(),
                        Map.of())
                .toTree());
        byte[] web = Fdt.write(
                new InstanceTree("web", 1, 0x100000000L, 256L << 20, List.of(2L), List.of(), List.of(), Map.of())
                        .toTree());
        byte[] tx = Fdt.write(OverlayTransaction.of(new OverlayOperation.InstanceCreate(
                        "web", OptionalInt.of(1), new InstanceResources(256L << 20, List.of(2L), List.of())))
                .toTree());
        String json = "{\"operation\":\"state\",\"interface\":\"current\",\"mounted\":true,"
                + "\"kernel_release\":\"7.0.0-mk5\",\"boot_id\":\"0d6f3f5c-8f7e-4a55-9d0c-2f1b2c3d4e5f\","
                + "\"cpus\":[{\"cpu\":0,\"apic_id\":0,\"numa_node\":0,\"online\":true},"
                + "{\"cpu\":1,\"apic_id\":null,\"numa_node\":null,\"online\":false}],"
                + "\"pool\":{\"device_tree\":\"" + b64(pool) + "\"},"
                + "\"instances\":[{\"name\":\"broken\",\"id\":null,\"status\":\"hibernating\",\"device_tree\":\""
                + b64(new byte[] {1, 2, 3}) + "\",\"device_tree_source\":null},"
                + "{\"name\":\"web\",\"id\":1,\"status\":\"ready\",\"device_tree\":\"" + b64(web) + "\","
                + "\"device_tree_source\":null}],"
                + "\"overlays\":[{\"id\":2,\"status\":\"applied\",\"instance\":\"/instances/web\",\"resources\":\"unknown\","
                + "\"dtbo\":\"" + b64(tx) + "\"}],"
                + "\"kimage\":[{\"mk_id\":1,\"type\":\"multikernel\",\"start\":\"0x000123400000\",\"segments\":5}],"
                + "\"iomem\":[{\"start\":\"0x100000000\",\"end\":\"0x13fffffff\",\"name\":\"Multikernel Memory Pool\",\"depth\":0},"
                + "{\"start\":\"0xffffffff00000000\",\"end\":\"0xffffffffffffffff\",\"name\":\"mk-instance-1-web-region-0\",\"depth\":1}],"
                + "\"warnings\":[\"cpu 1: no apicid\"]}";
        FakeMkctl fake = new FakeMkctl(tmp);
        fake.answer(json, 0);
        HostState s = fake.client().state();

        assertThat(s.generation()).isEqualTo(InterfaceGeneration.CURRENT);
        assertThat(s.usable()).isTrue();
        assertThat(s.kernelRelease()).hasValue("7.0.0-mk5");
        assertThat(s.bootId()).isEqualTo("0d6f3f5c-8f7e-4a55-9d0c-2f1b2c3d4e5f");
        assertThat(s.cpus())
                .containsExactly(
                        new CpuState(0, OptionalInt.of(0), OptionalInt.of(0), true),
                        new CpuState(1, OptionalInt.empty(), OptionalInt.empty(), false));
        PoolTree poolTree = s.pool().orElseThrow().deviceTree().value().orElseThrow();
        assertThat(poolTree.cpusAvailable()).containsExactly(4L);
        assertThat(poolTree.chunks()).hasSize(1);

        InstanceState w = s.instance("web").orElseThrow();
        assertThat(w.status()).isEqualTo(InstanceStatus.READY);
        assertThat(w.deviceTree().orElseThrow().value().orElseThrow().memoryBytes())
                .isEqualTo(256L << 20);
        assertThat(s.instanceById(1)).contains(w);

        // an unknown status word and an unparseable tree do not make the state unreadable
        InstanceState b = s.instance("broken").orElseThrow();
        assertThat(b.status()).isEqualTo(InstanceStatus.UNRECOGNISED);
        assertThat(b.statusText()).isEqualTo("hibernating");
        assertThat(b.id()).isEmpty();
        assertThat(b.deviceTree().orElseThrow().value()).isEmpty();
        assertThat(b.deviceTree().orElseThrow().problem())
                .hasValueSatisfying(p -> assertThat(p).contains("not a valid flattened device tree"));

        assertThat(s.transaction(2).orElseThrow().status()).isEqualTo(TransactionStatus.APPLIED);
        assertThat(s.transaction(2).orElseThrow().dtbo().value().orElseThrow().operations())
                .hasSize(1);
        assertThat(s.kernelImages().orElseThrow().get(0).start()).isEqualTo("0x000123400000");
        assertThat(s.iomem().orElseThrow())
                .containsExactly(
                        new IomemRange(0x100000000L, 0x13fffffffL, "Multikernel Memory Pool", 0),
                        new IomemRange(0xffffffff00000000L, 0xffffffffffffffffL, "mk-instance-1-web-region-0", 1));
        assertThat(s.iomem().orElseThrow().get(0).size()).isEqualTo(1L << 30);
        assertThat(s.warnings()).containsExactly("cpu 1: no apicid");
        assertThat(fake.argv()).containsExactly("--lock-timeout", "30", "state");
    }

    @Test
    void nullsMeanAbsentNotEmpty() throws Exception {
        String json = "{\"operation\":\"state\",\"interface\":\"none\",\"mounted\":false,\"kernel_release\":null,"
                + "\"boot_id\":\"b\",\"cpus\":[],\"pool\":null,\"instances\":[],\"overlays\":[],\"kimage\":null,"
                + "\"iomem\":null,\"warnings\":[]}";
        FakeMkctl fake = new FakeMkctl(tmp);
        fake.answer(json, 0);
        HostState s = fake.client().state();
        assertThat(s.generation()).isEqualTo(InterfaceGeneration.NONE);
        assertThat(s.usable()).isFalse();
        assertThat(s.kernelRelease()).isEmpty();
        assertThat(s.pool()).isEmpty();
        assertThat(s.kernelImages()).isEmpty();
        assertThat(s.iomem()).isEmpty();
        assertThat(s.instance("web")).isEmpty();
    }

    private static String cpusState(String cpus) {
        return "{\"operation\":\"state\",\"interface\":\"none\",\"mounted\":false,\"kernel_release\":null,"
                + "\"boot_id\":\"b\",\"cpus\":[" + cpus + "],\"pool\":null,\"instances\":[],\"overlays\":[],"
                + "\"kimage\":null,\"iomem\":null,\"warnings\":[]}";
    }

    @Test
    void apicIdSourceSaysWhetherTheIdCameFromCpuinfoOrTheCache() throws Exception {
        FakeMkctl fake = new FakeMkctl(tmp);
        fake.answer(
                cpusState("{\"cpu\":0,\"apic_id\":0,\"numa_node\":0,\"online\":true,\"apic_id_source\":\"cpuinfo\"},"
                        + "{\"cpu\":1,\"apic_id\":2,\"numa_node\":0,\"online\":false,\"apic_id_source\":\"cache\"},"
                        + "{\"cpu\":2,\"apic_id\":4,\"numa_node\":0,\"online\":false,\"apic_id_source\":\"firmware\"},"
                        + "{\"cpu\":3,\"apic_id\":null,\"numa_node\":null,\"online\":false,\"apic_id_source\":null},"
                        + "{\"cpu\":4,\"apic_id\":8,\"numa_node\":1,\"online\":true}"),
                0);
        List<CpuState> cpus = fake.client().state().cpus();
        assertThat(cpus)
                .extracting(CpuState::apicIdSource)
                .containsExactly(
                        CpuState.ApicIdSource.CPUINFO,
                        CpuState.ApicIdSource.CACHE,
                        CpuState.ApicIdSource.OTHER,
                        CpuState.ApicIdSource.NONE,
                        // an mkctl from before the cache sends no apic_id_source: its ids are from /proc/cpuinfo
                        CpuState.ApicIdSource.CPUINFO);
        assertThat(cpus.get(1).apicId()).hasValue(2);
        assertThat(cpus.get(3).apicId()).isEmpty();
    }

    @Test
    void aSourceWithoutAnApicIdIsAProtocolError() throws Exception {
        FakeMkctl fake = new FakeMkctl(tmp);
        fake.answer(
                cpusState("{\"cpu\":3,\"apic_id\":null,\"numa_node\":null,\"online\":false,"
                        + "\"apic_id_source\":\"cache\"}"),
                0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fake.client().state())
                .isInstanceOf(MkctlProtocolException.class)
                .hasMessageContaining("state.cpus[0].apic_id_source is \"cache\" but apic_id is null");
    }

    @Test
    void cpuStateKeepsSourceAndIdConsistent() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        new CpuState(0, OptionalInt.empty(), OptionalInt.empty(), true, CpuState.ApicIdSource.CACHE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new CpuState(0, OptionalInt.of(4), OptionalInt.empty(), true).apicIdSource())
                .isEqualTo(CpuState.ApicIdSource.CPUINFO);
    }
}
