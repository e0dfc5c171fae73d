package dev.multikernel.provider.plan;

import static dev.multikernel.provider.plan.Hosts.GiB;
import static dev.multikernel.provider.plan.Hosts.MiB;
import static dev.multikernel.provider.plan.Hosts.cpu;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Instances planned in the same run as the pool that makes room for them. */
class PlannedPoolViewTest {
    static HostView noPoolYet() {
        return new HostView(
                "h1",
                InterfaceGeneration.CURRENT,
                Optional.of("host h1 has no pool yet"),
                Hosts.twoNodes(),
                CpuList.EMPTY,
                List.of(),
                List.of(),
                List.of(),
                List.of());
    }

    static final PlannedPool POOL = new PlannedPool(
            cpu("4-11"),
            List.of(MemoryRequest.of(GiB, 0), MemoryRequest.of(GiB, 1)),
            List.of(PciAddress.parse("0000:09:00.0")));

    @Test
    void aPlannedPoolMakesAHostWithoutOneUsable() {
        HostView view = noPoolYet().withPool(POOL);
        assertThat(view.unusable()).isEmpty();
        assertThat(view.poolCpus()).isEqualTo(cpu("4-11"));
        assertThat(view.poolMemory()).extracting(MemoryChunk::size).containsExactly(GiB, GiB);
        assertThat(view.freeDevices()).containsExactly(PciAddress.parse("0000:09:00.0"));

        HostPlan plan = HostPlanner.plan(
                view,
                List.of(
                        InstanceRequest.of("a", new CpuRequest.Explicit(cpu("4-5")))
                                .withMemory(ByteSize.ofMiB(512))
                                .withNumaNode(1),
                        InstanceRequest.of("b", new CpuRequest.Count(2, new CompactCpuAllocation()))));
        assertThat(plan.problems()).isEmpty();
        assertThat(plan.instance("b").orElseThrow().cpus()).isEqualTo(cpu("10-11"));
    }

    @Test
    void instancesAreCheckedAgainstThePlannedPoolNotTheHostsOldOne() {
        HostView view = Hosts.current().withPool(POOL);
        HostPlan plan = HostPlanner.plan(
                view,
                List.of(
                        InstanceRequest.of("a", new CpuRequest.Explicit(cpu("12"))),
                        InstanceRequest.of("b", new CpuRequest.Explicit(cpu("4")))
                                .withMemory(ByteSize.ofMiB(1536))));
        assertThat(plan.problems())
                .extracting(PlanProblem::summary)
                .anyMatch(s -> s.contains("CPU 12 is not in the pool"))
                .anyMatch(s -> s.contains("does not fit in the pool"));
        // chunks the host already has keep their real addresses
        assertThat(view.poolMemory().get(0).base()).isEqualTo(0x1_0000_0000L);
    }

    @Test
    void firstFreeRangeSkipsWhatInstancesHold() {
        HostView view = Hosts.current(Hosts.instance("a", 1, "4", 0x1_0000_0000L, 256 * MiB));
        assertThat(view.firstFreeRange(128 * MiB, OptionalInt.of(0))
                        .orElseThrow()
                        .base())
                .isEqualTo(0x1_0000_0000L + 256 * MiB);
        assertThat(view.firstFreeRange(2 * GiB, OptionalInt.empty())).isEmpty();
    }

    @Test
    void anRfcV2ViewIgnoresAPlannedPool() {
        assertThat(Hosts.v2().withPool(POOL)).isEqualTo(Hosts.v2());
    }
}
