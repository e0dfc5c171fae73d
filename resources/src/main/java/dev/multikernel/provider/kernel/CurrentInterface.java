package dev.multikernel.provider.kernel;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.Baseline;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.Multikernel;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayOps;
import dev.multikernel.host.mkctl.Mkctl;
import dev.multikernel.host.mkctl.MkctlException;
import dev.multikernel.host.mkctl.MkctlResult;
import dev.multikernel.host.ssh.HostException;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InterfaceGeneration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The current tree: a one-shot baseline gives the pool its first CPUs, memory and devices; every
 * later change of the pool or of an instance is an overlay transaction ({@code overlays/tx_N}),
 * tagged with who wrote it, rolled back or compensated when the kernel fails it
 * ({@link OverlayWrites}, {@link Compensation}). Instances can be halted and resized live.
 */
public record CurrentInterface(HostState state) implements KernelInterface {
    /** What {@code interface_generation} says for this interface. */
    public static final String WIRE_NAME = InterfaceGeneration.CURRENT.wireName();

    /** The most bytes the kernel takes in one overlay write. */
    public static final int SINGLE_WRITE_LIMIT = Multikernel.SINGLE_WRITE_LIMIT;

    public CurrentInterface {
        Objects.requireNonNull(state, "state");
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.ALL;
    }

    /**
     * Writes the baseline: the pool's physical CPU ids {@code cpus} and {@code memory} requests
     * (the kernel picks the addresses).
     *
     * @throws IllegalArgumentException when the kernel would refuse it (no CPU, no memory)
     */
    public static MkctlResult.BaselineApplied writeBaseline(Mkctl mkctl, List<Long> cpus, List<MemoryRequest> memory)
            throws HostException, MkctlException {
        return mkctl.baseline(baselineBlob(cpus, memory));
    }

    /** The baseline blob, checked; see {@link #writeBaseline}. */
    public static byte[] baselineBlob(List<Long> cpus, List<MemoryRequest> memory) {
        return Fdt.write(new Baseline(cpus, memory, List.of(), Map.of()).toTree());
    }

    /** The size in bytes of the overlay transaction {@code operations} tagged {@code tag}. */
    public static int overlayBytes(String tag, List<OverlayOperation> operations) {
        return overlayBlob(tag, operations).length;
    }

    /**
     * The overlay blob of {@code operations} tagged {@code tag}, for a batch that writes it with
     * other operations (a create that loads and starts in the same request).
     */
    public static byte[] overlayBlob(String tag, List<OverlayOperation> operations) {
        return Fdt.write(OverlayOps.toTree(tag, operations));
    }
}
