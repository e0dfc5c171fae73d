package dev.multikernel.host.devicetree;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.multikernel.host.devicetree.multikernel.Baseline;
import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.devicetree.multikernel.V2Tree;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the FDT parser and the readers built on it (Jazzer).
 *
 * <p>In a normal build (no {@code JAZZER_FUZZ}) this runs the seed corpus under
 * src/test/resources/dev/multikernel/host/devicetree/FdtFuzzTestInputs/parseWriteRoundTrip as
 * regression tests. With {@code JAZZER_FUZZ=1} it fuzzes for at most {@code maxDuration}; crash
 * inputs Jazzer finds go to the same directory and become regression seeds.
 *
 * <p>Property checked: parsing never throws anything but {@link DeviceTreeException}; a tree that
 * parsed writes to a blob that parses to the same tree, is stable under a second write, and prints.
 */
class FdtFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void parseWriteRoundTrip(byte[] blob) {
        DeviceTree tree;
        try {
            tree = Fdt.parse(blob);
        } catch (DeviceTreeException rejected) {
            if (rejected.getMessage() == null || rejected.getMessage().isBlank()) {
                throw new AssertionError("exception without message", rejected);
            }
            return;
        }
        byte[] written = Fdt.write(tree);
        DeviceTree again;
        try {
            again = Fdt.parse(written);
        } catch (DeviceTreeException e) {
            throw new AssertionError("our own blob does not parse: " + e.getMessage(), e);
        }
        if (!again.equals(tree)) {
            throw new AssertionError("round trip changed the tree");
        }
        if (!Arrays.equals(Fdt.write(again), written)) {
            throw new AssertionError("second write differs");
        }
        DtsPrinter.print(tree);
        // The typed readers must also reject with a checked exception only.
        readQuietly(() -> Baseline.read(tree));
        readQuietly(() -> PoolTree.read(tree));
        readQuietly(() -> InstanceTree.read(tree));
        readQuietly(() -> OverlayTransaction.read(tree));
        readQuietly(() -> V2Tree.read(tree));
        readQuietly(() -> Overlay.read(tree));
        readQuietly(() -> Overlays.apply(tree, tree));
    }

    private interface Reader {
        Object read() throws DeviceTreeException;
    }

    private static void readQuietly(Reader reader) {
        try {
            reader.read();
        } catch (DeviceTreeException expected) {
            // rejected with a clear message: fine
        }
    }
}
