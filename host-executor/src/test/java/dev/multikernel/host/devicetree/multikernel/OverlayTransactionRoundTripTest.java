package dev.multikernel.host.devicetree.multikernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.Dtc;
import dev.multikernel.host.devicetree.DtsPrinter;
import dev.multikernel.host.devicetree.Fdt;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random operation lists: whatever the list, the kernel-order reader gives it back, and
 * dtc agrees with our bytes.
 */
class OverlayTransactionRoundTripTest {

    private static OptionalInt maybe(Random r, int bound) {
        return r.nextBoolean() ? OptionalInt.of(r.nextInt(bound)) : OptionalInt.empty();
    }

    private static OverlayTarget resourceTarget(Random r) {
        return r.nextBoolean() ? OverlayTarget.POOL : OverlayTarget.instance("i" + r.nextInt(3));
    }

    private static OverlayOperation randomOp(Random r) {
        long page = Multikernel.PAGE_SIZE;
        switch (r.nextInt(9)) {
            case 0:
                return new OverlayOperation.InstanceCreate(
                        "i" + r.nextInt(3),
                        maybe(r, 512),
                        new InstanceResources(
                                page * (1 + r.nextInt(1 << 20)),
                                List.of((long) r.nextInt(256), 256L + r.nextInt(256)),
                                r.nextBoolean() ? List.of(r.nextInt(4)) : List.of()));
            case 1:
                return OverlayOps.instanceRemove("i" + r.nextInt(3));
            case 2:
                return OverlayOps.poolMemoryAdd(new MemoryRequest(page * (1 + r.nextInt(1000)), maybe(r, 4)));
            case 3:
                return new OverlayOperation.InstanceMemoryAdd(
                        "i" + r.nextInt(3),
                        List.of(new MemoryRange(
                                page * r.nextInt(1 << 30), page * (1 + r.nextInt(1000)), maybe(r, 4), maybe(r, 3))));
            case 4:
                return new OverlayOperation.MemoryRemove(
                        resourceTarget(r),
                        List.of(MemoryRange.of(page * r.nextInt(1 << 30), page * (1 + r.nextInt(1000)))));
            case 5:
                return new OverlayOperation.CpuAdd(
                        resourceTarget(r), List.of(new CpuItem(r.nextInt(1 << 16), maybe(r, 4), maybe(r, 2))));
            case 6:
                return new OverlayOperation.CpuRemove(resourceTarget(r), List.of(CpuItem.of(r.nextInt(1 << 16))));
            case 7: {
                OverlayTarget t = resourceTarget(r);
                String id =
                        String.format("%04x:%02x:%02x.%x", r.nextInt(2), r.nextInt(256), r.nextInt(32), r.nextInt(8));
                PciItem item = t instanceof OverlayTarget.Pool
                        ? new PciItem(
                                PciAddress.parse(id), Optional.of("nic" + r.nextInt(9)), Optional.empty(), maybe(r, 4))
                        : new PciItem(PciAddress.parse(id), Optional.empty(), Optional.of("vfio-pci"), maybe(r, 4));
                return new OverlayOperation.DeviceAdd(t, List.of(item));
            }
            default:
                return OverlayOps.deviceRemove(resourceTarget(r), "0000:65:00.0");
        }
    }

    @Test
    void randomTransactionsRoundTripInListOrder() throws Exception {
        Random r = new Random(7);
        for (int i = 0; i < 500; i++) {
            List<OverlayOperation> ops = new ArrayList<>();
            int n = 1 + r.nextInt(8);
            for (int k = 0; k < n; k++) {
                ops.add(randomOp(r));
            }
            OverlayTransaction tx =
                    new OverlayTransaction(ops, r.nextBoolean() ? Optional.of("tag-" + i) : Optional.empty());
            DeviceTree tree = tx.toTree();
            byte[] blob = Fdt.write(tree);
            assertThat(OverlayTransaction.read(Fdt.parse(blob)))
                    .as(DtsPrinter.print(tree))
                    .isEqualTo(tx);
            if (i % 50 == 0) {
                assertThat(Dtc.compile(DtsPrinter.print(tree))).isEqualTo(blob);
            }
        }
    }
}
