package dev.multikernel.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("host topology")
class HostTopologyTest {
    @Test
    @DisplayName("defaults: 8 CPUs on 2 nodes, APIC ids differ from logical ids, 16 GiB, 2 PCI devices, CPU 0 reserved")
    void defaults() {
        HostTopology t = HostTopology.defaults();
        assertThat(t.cpus()).hasSize(8);
        assertThat(t.cpus()).anyMatch(c -> c.apicId() != c.logicalId());
        assertThat(t.numaNodes()).containsExactly(0, 1);
        assertThat(t.totalMemory()).isEqualTo(16L << 30);
        assertThat(t.devices()).hasSize(2);
        assertThat(t.reservedCpus()).containsExactly(0);
        assertThat(t.cpuByApicId(18).orElseThrow().logicalId()).isEqualTo(5);
    }

    @Test
    @DisplayName("toJson and parse round-trip")
    void roundTrip() {
        HostTopology t = HostTopology.defaults();
        assertThat(HostTopology.parse(t.toJson())).isEqualTo(t);
    }

    @Test
    @DisplayName("parse accepts sizes with suffixes and defaults reservedCpus to CPU 0")
    void parseSizes() {
        HostTopology t = HostTopology.parse("""
                {"cpus": [{"logicalId": 0, "apicId": 0, "numaNode": 0}, {"logicalId": 1, "apicId": 4, "numaNode": 0}],
                 "memory": [{"base": "0x100000000", "size": "4G", "numaNode": 0}]}""");
        assertThat(t.memory().get(0).size()).isEqualTo(4L << 30);
        assertThat(t.reservedCpus()).isEqualTo(Set.of(0));
        assertThat(t.devices()).isEmpty();
    }

    @Test
    @DisplayName("parse errors name the problem")
    void parseErrors() {
        for (String[] c : new String[][] {
            {"nope", "not valid JSON"},
            {"[]", "must be an object"},
            {"{\"cpus\": [], \"memory\": [{\"base\": 0, \"size\": 4096, \"numaNode\": 0}]}", "at least one CPU"},
            {
                "{\"cpus\": [{\"logicalId\": 0, \"apicId\": 0, \"numaNode\": 0}], \"memory\": [], \"x\": 1}",
                "unknown field"
            },
            {
                "{\"cpus\": [{\"logicalId\": 0, \"apicId\": 0, \"numaNode\": 0}, {\"logicalId\": 0, \"apicId\": 2, \"numaNode\": 0}],"
                        + " \"memory\": [{\"base\": 0, \"size\": 4096, \"numaNode\": 0}]}",
                "appears twice"
            },
            {
                "{\"cpus\": [{\"logicalId\": 0, \"apicId\": 0, \"numaNode\": 0}, {\"logicalId\": 1, \"apicId\": 2, \"numaNode\": 0}],"
                        + " \"memory\": [{\"base\": 0, \"size\": 100, \"numaNode\": 0}]}",
                "4 KiB aligned"
            },
            {
                "{\"cpus\": [{\"logicalId\": 0, \"apicId\": 0, \"numaNode\": 0}, {\"logicalId\": 1, \"apicId\": 2, \"numaNode\": 0}],"
                        + " \"memory\": [{\"base\": 0, \"size\": \"lots\", \"numaNode\": 0}]}",
                "is not a size"
            },
            {
                "{\"cpus\": [{\"logicalId\": 0, \"apicId\": 0, \"numaNode\": 0}, {\"logicalId\": 1, \"apicId\": 2, \"numaNode\": 0}],"
                        + " \"memory\": [{\"base\": 0, \"size\": 4096, \"numaNode\": 0}], \"devices\": [{\"address\": \"1:0.0\", \"vendorDevice\": \"8086:1533\", \"numaNode\": 0}]}",
                "PCI address"
            },
        }) {
            assertThatThrownBy(() -> HostTopology.parse(c[0]))
                    .as(c[0])
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(c[1]);
        }
    }

    @Test
    @DisplayName("the constructor refuses overlapping memory and unknown reserved CPUs")
    void constructorValidates() {
        List<HostTopology.Cpu> cpus = List.of(new HostTopology.Cpu(0, 0, 0), new HostTopology.Cpu(1, 2, 0));
        assertThatThrownBy(() -> new HostTopology(
                        cpus,
                        List.of(
                                new HostTopology.MemoryRegion(0, 8192, 0),
                                new HostTopology.MemoryRegion(4096, 4096, 0)),
                        List.of(),
                        Set.of(0)))
                .hasMessageContaining("overlaps");
        assertThatThrownBy(() -> new HostTopology(
                        cpus, List.of(new HostTopology.MemoryRegion(0, 8192, 0)), List.of(), Set.of(5)))
                .hasMessageContaining("reserved CPU 5");
    }
}
