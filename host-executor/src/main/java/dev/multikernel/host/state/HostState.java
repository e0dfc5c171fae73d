package dev.multikernel.host.state;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the multikernel interface of one host shows, read in one call ({@code mkctl state}).
 * Immutable. Compare instances by name: ids can be assigned by the kernel.
 *
 * @param generation    the interface generation the host speaks
 * @param mounted       whether {@code /sys/fs/multikernel} is mounted
 * @param kernelRelease {@code uname -r}; empty when the host could not read it (see {@code warnings})
 * @param bootId        changes at every boot of the host: state from another boot is stale
 * @param cpus          every CPU of the host, ascending
 * @param pool          the pool (current tree, mounted); empty otherwise
 * @param instances     instances, sorted by name
 * @param transactions  overlay transactions, ascending id (current tree)
 * @param kernelImages  rows of {@code /proc/kimage}; empty when the file does not exist
 * @param iomem         multikernel ranges of {@code /proc/iomem}; empty when unreadable
 * @param warnings      what mkctl could not read or parse (optional files, odd rows)
 */
public record HostState(
        InterfaceGeneration generation,
        boolean mounted,
        Optional<String> kernelRelease,
        String bootId,
        List<CpuState> cpus,
        Optional<PoolState> pool,
        List<InstanceState> instances,
        List<TransactionState> transactions,
        Optional<List<KernelImage>> kernelImages,
        Optional<List<IomemRange>> iomem,
        List<String> warnings) {

    public HostState {
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(kernelRelease, "kernelRelease");
        Objects.requireNonNull(bootId, "bootId");
        Objects.requireNonNull(pool, "pool");
        cpus = List.copyOf(cpus);
        instances = List.copyOf(instances);
        transactions = List.copyOf(transactions);
        kernelImages = kernelImages.map(List::copyOf);
        iomem = iomem.map(List::copyOf);
        warnings = List.copyOf(warnings);
    }

    /** The instance called {@code name}; empty means the host definitely has no such instance. */
    public Optional<InstanceState> instance(String name) {
        return instances.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** The instance with id {@code id}. */
    public Optional<InstanceState> instanceById(int id) {
        return instances.stream()
                .filter(i -> i.id().isPresent() && i.id().getAsInt() == id)
                .findFirst();
    }

    /** Overlay transaction {@code tx_<id>}. */
    public Optional<TransactionState> transaction(int id) {
        return transactions.stream().filter(t -> t.id() == id).findFirst();
    }

    /** Whether the host has the multikernel interface and it is mounted and usable. */
    public boolean usable() {
        return mounted && (generation == InterfaceGeneration.CURRENT || generation == InterfaceGeneration.RFC_V2);
    }
}
