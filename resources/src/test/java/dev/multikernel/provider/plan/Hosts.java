package dev.multikernel.provider.plan;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Test hosts. */
final class Hosts {
    static final long GiB = 1L << 30;
    static final long MiB = 1L << 20;

    private Hosts() {}

    /** 16 CPUs, APIC id = 2 x logical, node 0 for 0-7 and node 1 for 8-15. */
    static CpuTopology twoNodes() {
        List<CpuInfo> cpus = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            cpus.add(CpuInfo.of(i, 2L * i, i < 8 ? 0 : 1));
        }
        return CpuTopology.of(cpus);
    }

    /** Current tree: pool CPUs 4-15, 1GiB on node 0 and 1GiB on node 1, one free PCI device. */
    static HostView current(HostInstance... instances) {
        return new HostView(
                "h1",
                InterfaceGeneration.CURRENT,
                Optional.empty(),
                twoNodes(),
                CpuList.range(4, 15),
                List.of(),
                List.of(MemoryChunk.of(0x1_0000_0000L, GiB, 0), MemoryChunk.of(0x2_0000_0000L, GiB, 1)),
                List.of(PciAddress.parse("0000:09:00.0")),
                List.of(instances));
    }

    /** RFC v2: 8 CPUs, a 2GiB pool. */
    static HostView v2(HostInstance... instances) {
        return new HostView(
                "h2",
                InterfaceGeneration.RFC_V2,
                Optional.empty(),
                CpuTopology.flat(8),
                CpuList.range(0, 7),
                List.of(),
                List.of(MemoryChunk.of(0x1_0000_0000L, 2 * GiB)),
                List.of(),
                List.of(instances));
    }

    static HostInstance instance(String name, int id, String cpus, long base, long bytes) {
        return new HostInstance(
                name,
                OptionalInt.of(id),
                InstanceStatus.ACTIVE,
                cpu(cpus),
                bytes == 0
                        ? List.of()
                        : List.of(new MemoryChunk(base, bytes, OptionalInt.of(base >= 0x2_0000_0000L ? 1 : 0))),
                List.of());
    }

    static CpuList cpu(String text) {
        try {
            return CpuList.parse(text);
        } catch (dev.multikernel.provider.values.InvalidValueException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
