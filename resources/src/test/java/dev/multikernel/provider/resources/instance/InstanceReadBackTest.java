package dev.multikernel.provider.resources.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.provider.values.CpuList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading back keeps the user's spelling whenever it means the same: no phantom diffs. */
class InstanceReadBackTest {
    @Test
    void cpuListsKeepTheUsersSpellingWhenTheSetIsTheSame() {
        assertThat(InstanceReadBack.sameCpus(Optional.of("4,5,6,7"), CpuList.range(4, 7)))
                .isEqualTo("4,5,6,7");
        assertThat(InstanceReadBack.sameCpus(Optional.of("7,6,5,4"), CpuList.range(4, 7)))
                .isEqualTo("7,6,5,4");
        assertThat(InstanceReadBack.sameCpus(Optional.of("4-6"), CpuList.range(4, 7)))
                .isEqualTo("4-7");
        assertThat(InstanceReadBack.sameCpus(Optional.empty(), CpuList.of(1, 2, 3, 9)))
                .isEqualTo("1-3,9");
        assertThat(InstanceReadBack.sameCpus(Optional.of("garbage"), CpuList.of(2)))
                .isEqualTo("2");
    }

    @Test
    void sizesKeepTheUsersSpellingWhenTheBytesAreTheSame() {
        assertThat(InstanceReadBack.sameSize(Optional.of("1024MiB"), 1L << 30)).isEqualTo("1024MiB");
        assertThat(InstanceReadBack.sameSize(Optional.of("1G"), 1L << 30)).isEqualTo("1G");
        assertThat(InstanceReadBack.sameSize(Optional.of("1GiB"), 512L << 20)).isEqualTo("512MiB");
        assertThat(InstanceReadBack.sameSize(Optional.empty(), 0)).isNull();
        assertThat(InstanceReadBack.sameSize(Optional.of("256MiB"), 0)).isEqualTo("0B");
    }

    @Test
    void overlayChangesAreTakenOutOfTheReadBack() {
        PciAddress nic = PciAddress.parse("0000:03:00.0");
        PciAddress gpu = PciAddress.parse("0000:04:00.0");
        OverlayAdjustment a =
                new OverlayAdjustment(CpuList.of(8), CpuList.of(5), 64L << 20, 0, List.of(gpu), List.of(nic));
        assertThat(a.cpus(CpuList.of(4, 6, 7, 8)).format()).isEqualTo("4-7");
        assertThat(a.memoryBytes(320L << 20)).isEqualTo(256L << 20);
        assertThat(a.devices(List.of(gpu))).containsExactly(nic);
        assertThat(OverlayAdjustment.none().cpus(CpuList.of(1))).isEqualTo(CpuList.of(1));
    }
}
