package dev.multikernel.provider.plan;

import static dev.multikernel.provider.plan.Hosts.cpu;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.provider.values.ByteSize;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ChangeClassifierTest {
    private static final InstanceSpec BASE = new InstanceSpec(
            "web",
            OptionalInt.of(1),
            cpu("4-5"),
            Optional.of(ByteSize.ofGiB(1)),
            OptionalInt.empty(),
            List.of(),
            BootSpec.of("/boot/a", "quiet"));
    private static final Optional<InstanceStatus> ACTIVE = Optional.of(InstanceStatus.ACTIVE);

    private static InstanceSpec cpus(String c) {
        return new InstanceSpec("web", BASE.id(), cpu(c), BASE.memory(), BASE.numaNode(), BASE.devices(), BASE.boot());
    }

    private static InstanceSpec boot(BootSpec b) {
        return new InstanceSpec("web", BASE.id(), BASE.cpus(), BASE.memory(), BASE.numaNode(), BASE.devices(), b);
    }

    @Test
    void noChange() {
        assertThat(ChangeClassifier.classify(InterfaceGeneration.CURRENT, ACTIVE, BASE, BASE))
                .isEqualTo(ChangeDecision.none());
    }

    @Test
    void resizeIsLiveOnCurrentTree() {
        ChangeDecision d = ChangeClassifier.classify(InterfaceGeneration.CURRENT, ACTIVE, BASE, cpus("4-7"));
        assertThat(d.change()).isEqualTo(ChangeClass.LIVE);
        assertThat(d.interrupts()).isFalse();
        assertThat(d.reasons())
                .containsExactly("cpus \"4-5\" → \"4-7\": applied live with an overlay on the instance.");
    }

    @Test
    void resizeIsReplacementOnV2AndImpossibleWhileActive() {
        ChangeDecision d = ChangeClassifier.classify(InterfaceGeneration.RFC_V2, ACTIVE, BASE, cpus("4-7"));
        assertThat(d.change()).isEqualTo(ChangeClass.REPLACE);
        assertThat(d.possible()).isFalse();
        assertThat(d.summary()).contains("the RFC v2 interface has no overlays").contains("reboot the host to free it");
        ChangeDecision loading = ChangeClassifier.classify(
                InterfaceGeneration.RFC_V2, Optional.of(InstanceStatus.LOADING), BASE, cpus("4-7"));
        assertThat(loading.possible()).isTrue();
        assertThat(loading.interrupts()).isFalse();
    }

    @Test
    void kernelChangeIsRestartAndInterruptsAnActiveInstance() {
        ChangeDecision d = ChangeClassifier.classify(
                InterfaceGeneration.CURRENT,
                ACTIVE,
                BASE,
                boot(new BootSpec("/boot/b", Optional.of("/boot/initrd"), "quiet")));
        assertThat(d.change()).isEqualTo(ChangeClass.RESTART);
        assertThat(d.interrupts()).isTrue();
        assertThat(d.reasons())
                .containsExactly(
                        "kernel, initrd changed: a new kernel image must be loaded, so the instance is halted, unloaded,"
                                + " loaded again and started.",
                        "Instance \"web\" is active: this stops it.");
        ChangeDecision ready = ChangeClassifier.classify(
                InterfaceGeneration.CURRENT, Optional.of(InstanceStatus.READY), BASE, boot(BootSpec.of("/boot/a", "")));
        assertThat(ready.change()).isEqualTo(ChangeClass.RESTART);
        assertThat(ready.interrupts()).isFalse();
    }

    @Test
    void idChangeIsReplacement() {
        InstanceSpec other = new InstanceSpec(
                "web", OptionalInt.of(2), BASE.cpus(), BASE.memory(), BASE.numaNode(), BASE.devices(), BASE.boot());
        ChangeDecision d = ChangeClassifier.classify(InterfaceGeneration.CURRENT, ACTIVE, BASE, other);
        assertThat(d.change()).isEqualTo(ChangeClass.REPLACE);
        assertThat(d.interrupts()).isTrue();
        assertThat(d.reasons().get(0))
                .isEqualTo(
                        "id 1 → 2: the id is fixed when the instance is created, so it is removed and created again.");
    }

    @Test
    void highestClassWinsAndEveryReasonIsListed() {
        InstanceSpec both = new InstanceSpec(
                "web",
                BASE.id(),
                cpu("4-7"),
                Optional.of(ByteSize.ofGiB(2)),
                OptionalInt.of(1),
                BASE.devices(),
                BootSpec.of("/boot/a", "debug"));
        ChangeDecision d = ChangeClassifier.classify(InterfaceGeneration.CURRENT, Optional.empty(), BASE, both);
        assertThat(d.change()).isEqualTo(ChangeClass.RESTART);
        assertThat(d.reasons()).hasSize(4);
        assertThat(d.reasons().get(1)).isEqualTo("memory 1GiB → 2GiB: applied live with an overlay on the instance.");
        assertThat(d.reasons().get(2))
                .isEqualTo(
                        "numa_node any → 1: applied live with an overlay on the instance (its memory moves to the new node).");
    }
}
