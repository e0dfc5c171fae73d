package dev.multikernel.provider.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.Baseline;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.mkctl.Mkctl;
import dev.multikernel.host.mkctl.MkctlOperation;
import dev.multikernel.host.mkctl.MkctlResult;
import dev.multikernel.provider.testing.TestStates;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class KernelInterfaceTest {

    @Test
    void theInterfaceIsChosenOnceFromTheState() {
        assertThat(KernelInterface.of(TestStates.current())).isInstanceOf(CurrentInterface.class);
        assertThat(KernelInterface.of(TestStates.rfcV2(0, List.of()))).isInstanceOf(RfcV2Interface.class);
        assertThat(KernelInterface.of(TestStates.unmounted())).isInstanceOf(KernelInterface.Unmounted.class);
        assertThat(KernelInterface.of(TestStates.current()).wireName()).isEqualTo("current");
    }

    @Test
    void capabilitiesPerGeneration() {
        assertThat(KernelInterface.of(TestStates.current()).capabilities()).isEqualTo(KernelInterface.Capabilities.ALL);
        KernelInterface.Capabilities v2 =
                KernelInterface.of(TestStates.rfcV2(0, List.of())).capabilities();
        assertThat(v2.overlays() || v2.halt() || v2.liveResize() || v2.devices() || v2.numa() || v2.cpuPool())
                .isFalse();
        assertThat(KernelInterface.of(TestStates.unmounted()).capabilities())
                .isEqualTo(KernelInterface.Capabilities.NONE);
    }

    @Test
    void theRfcV2PoolIsTheBootTimeRegion() {
        assertThat(new RfcV2Interface(TestStates.rfcV2(2 * TestStates.GIB, List.of())).poolBytes())
                .isEqualTo(2 * TestStates.GIB);
        assertThat(new RfcV2Interface(TestStates.rfcV2(0, List.of())).poolBytes())
                .isZero();
    }

    @Test
    void anRfcV2CreateIsOneInstanceTreeThatNamesLogicalCpus() throws Exception {
        List<MkctlOperation> sent = new ArrayList<>();
        Mkctl mkctl = new Mkctl() {
            @Override
            public MkctlResult run(MkctlOperation op) {
                sent.add(op);
                return new MkctlResult.V2Created(10, List.of());
            }

            @Override
            public List<MkctlResult> batch(List<MkctlOperation> operations) {
                throw new AssertionError();
            }
        };
        new RfcV2Interface(TestStates.rfcV2(TestStates.GIB, List.of()))
                .createInstance(mkctl, "web", 3, List.of(2, 3), OptionalLong.of(256 * TestStates.MIB));

        assertThat(sent).singleElement().isInstanceOf(MkctlOperation.V2Create.class);
        MkctlOperation.V2Create c = (MkctlOperation.V2Create) sent.get(0);
        assertThat(c.expect()).containsExactly("web");
        assertThat(Fdt.parse(c.blob().orElseThrow()).toString()).contains("web");
    }

    @Test
    void theBaselineBlobCarriesApicIdsAndMemoryRequests() throws Exception {
        byte[] blob = CurrentInterface.baselineBlob(
                List.of(8L, 10L), List.of(new MemoryRequest(TestStates.GIB, OptionalInt.of(0))));
        Baseline b = Baseline.read(Fdt.parse(blob));
        assertThat(b.cpus()).containsExactly(8L, 10L);
        assertThat(b.memory()).containsExactly(new MemoryRequest(TestStates.GIB, OptionalInt.of(0)));
        assertThat(CurrentInterface.SINGLE_WRITE_LIMIT).isEqualTo(4096);
    }
}
