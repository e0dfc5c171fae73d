package dev.multikernel.provider.resources.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.MemoryRange;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayOps;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.devicetree.multikernel.PciItem;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.host.state.DeviceTreeBlob;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.host.state.TransactionState;
import dev.multikernel.host.state.TransactionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OverlayEffectsTest {
    static final long MIB = 1L << 20;
    static final OverlayTarget WEB = OverlayTarget.instance("web");

    static TransactionState tx(int id, TransactionStatus status, Optional<String> tag, OverlayOperation... ops) {
        OverlayTransaction t = new OverlayTransaction(List.of(ops), tag);
        return new TransactionState(
                id,
                status,
                status.name().toLowerCase(Locale.ROOT),
                t.firstTargetPath().orElse("unknown"),
                tag.orElse("unknown"),
                DeviceTreeBlob.decode(Fdt.write(t.toTree()), OverlayTransaction::read));
    }

    static TransactionState overlay(int id, OverlayOperation... ops) {
        return tx(id, TransactionStatus.APPLIED, Optional.of(OverlayEffects.TAG), ops);
    }

    static HostState host(TransactionState... txs) {
        List<CpuState> cpus = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            cpus.add(new CpuState(i, OptionalInt.of(2 * i), OptionalInt.of(0), true));
        }
        return new HostState(
                InterfaceGeneration.CURRENT,
                true,
                Optional.empty(),
                "boot",
                cpus,
                Optional.empty(),
                List.of(),
                List.of(txs),
                Optional.empty(),
                Optional.empty(),
                List.of());
    }

    @Test
    void collectsWhatAppliedOverlaysDidToTheInstance() {
        HostState state = host(
                overlay(2, OverlayOps.cpuAdd(WEB, 8, 10), OverlayOps.cpuRemove(WEB, 4)),
                overlay(
                        3,
                        OverlayOps.instanceMemoryAdd("web", MemoryRange.of(0x40000000L, 64 * MIB)),
                        OverlayOps.memoryRemove(WEB, MemoryRange.of(0x80000000L, 32 * MIB))),
                overlay(
                        4,
                        OverlayOps.deviceAdd(WEB, PciItem.withDriver("0000:09:00.0", "vfio-pci")),
                        OverlayOps.deviceRemove(WEB, "0000:0a:00.1")));
        OverlayEffects e = OverlayEffects.on(state, "web");
        assertThat(e.cpusAdded()).containsExactly(8L, 10L);
        assertThat(e.cpusRemoved()).containsExactly(4L);
        assertThat(e.memoryAdded()).containsExactly(MemoryRange.of(0x40000000L, 64 * MIB));
        assertThat(e.memoryRemoved()).containsExactly(MemoryRange.of(0x80000000L, 32 * MIB));
        assertThat(e.memoryBytesDelta()).isEqualTo(32 * MIB);
        assertThat(e.devicesAdded()).containsExactly(PciAddress.parse("0000:09:00.0"));
        assertThat(e.devicesRemoved()).containsExactly(PciAddress.parse("0000:0a:00.1"));
        assertThat(e.transactions()).containsExactly(2, 3, 4);
        assertThat(e.isEmpty()).isFalse();
        // what the instance resource compares with its configuration
        assertThat(e.cpusWithout(List.of(2L, 8L, 10L))).containsExactly(2L, 4L);
        assertThat(e.devicesWithout(List.of(PciAddress.parse("0000:09:00.0"))))
                .containsExactly(PciAddress.parse("0000:0a:00.1"));
    }

    @Test
    void ignoresOtherTagsOtherTargetsAndTransactionsThatAreNotApplied() {
        HostState state = host(
                tx(2, TransactionStatus.APPLIED, Optional.of("terraform:instance:web"), OverlayOps.cpuAdd(WEB, 12)),
                tx(3, TransactionStatus.APPLIED, Optional.empty(), OverlayOps.cpuAdd(WEB, 14)),
                tx(4, TransactionStatus.FAILED, Optional.of(OverlayEffects.TAG), OverlayOps.cpuAdd(WEB, 6)),
                tx(5, TransactionStatus.PENDING, Optional.of(OverlayEffects.TAG), OverlayOps.cpuAdd(WEB, 6)),
                overlay(6, OverlayOps.cpuAdd(OverlayTarget.POOL, 2)),
                overlay(7, OverlayOps.cpuAdd(OverlayTarget.instance("db"), 0)));
        OverlayEffects e = OverlayEffects.on(state, "web");
        assertThat(e.isEmpty()).isTrue();
        assertThat(e.transactions()).isEmpty();
        assertThat(e).isEqualTo(OverlayEffects.NONE);
        assertThat(OverlayEffects.on(state, "db").cpusAdded()).containsExactly(0L);
    }

    @Test
    void laterOverlaysCancelEarlierOnesInTransactionOrder() {
        HostState state = host(
                overlay(9, OverlayOps.cpuRemove(WEB, 8), OverlayOps.deviceRemove(WEB, "0000:09:00.0")),
                overlay(3, OverlayOps.cpuAdd(WEB, 8, 10), OverlayOps.deviceAdd(WEB, PciItem.of("0000:09:00.0"))),
                overlay(12, OverlayOps.cpuRemove(WEB, 4)),
                overlay(15, OverlayOps.cpuAdd(WEB, 4)));
        OverlayEffects e = OverlayEffects.on(state, "web");
        assertThat(e.cpusAdded()).containsExactly(10L);
        assertThat(e.cpusRemoved()).isEmpty();
        assertThat(e.devicesAdded()).isEmpty();
        assertThat(e.devicesRemoved()).isEmpty();
        assertThat(e.transactions()).containsExactly(3, 9, 12, 15);
    }

    @Test
    void memoryRangesMatchByBaseAndSizeWhateverTheirNode() {
        HostState state = host(
                overlay(2, OverlayOps.instanceMemoryAdd("web", MemoryRange.of(0x40000000L, 64 * MIB, 1))),
                overlay(3, OverlayOps.memoryRemove(WEB, MemoryRange.of(0x40000000L, 64 * MIB))));
        assertThat(OverlayEffects.on(state, "web").isEmpty()).isTrue();
        assertThat(OverlayEffects.on(state, "web").memoryBytesDelta()).isZero();
    }

    @Test
    void anUnreadableOverlayBlobIsReportedNotGuessed() {
        TransactionState broken = new TransactionState(
                5,
                TransactionStatus.APPLIED,
                "applied",
                "/instances/web",
                OverlayEffects.TAG,
                DeviceTreeBlob.decode(new byte[] {1, 2, 3}, OverlayTransaction::read));
        OverlayEffects e = OverlayEffects.on(host(broken, overlay(6, OverlayOps.cpuAdd(WEB, 2))), "web");
        assertThat(e.unreadable()).containsExactly(5);
        assertThat(e.cpusAdded()).containsExactly(2L);
    }

    @Test
    void aNameNoInstanceCanHaveHasNoEffects() {
        assertThat(OverlayEffects.on(host(overlay(2, OverlayOps.cpuAdd(WEB, 2))), "a/b"))
                .isEqualTo(OverlayEffects.NONE);
    }
}
