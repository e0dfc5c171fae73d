package dev.multikernel.provider.kernel;

import dev.multikernel.host.state.HostState;

/**
 * The multikernel interface one host speaks, chosen once from its state: the seam where what
 * differs per interface generation lives (kernel-interface.md). {@link CurrentInterface} (baseline
 * and overlay transactions) and {@link RfcV2Interface} (boot-time pool, whole-instance create and
 * remove) build every blob their kernel takes; {@link Unmounted} and {@link Unsupported} are the
 * states a host can be in before either. Resources ask for {@link #capabilities()} and call the
 * generation's operations instead of branching on the generation themselves.
 */
public sealed interface KernelInterface
        permits CurrentInterface, RfcV2Interface, KernelInterface.Unmounted, KernelInterface.Unsupported {

    /** The state the choice was made from. */
    HostState state();

    Capabilities capabilities();

    /** What {@code interface_generation} says for this host: {@code current}, {@code rfc-v2}, ... */
    default String wireName() {
        return state().generation().wireName();
    }

    /** The interface {@code state} shows. */
    static KernelInterface of(HostState state) {
        return switch (state.generation()) {
            case CURRENT -> new CurrentInterface(state);
            case RFC_V2 -> new RfcV2Interface(state);
            case UNKNOWN -> new Unmounted(state);
            case NONE -> new Unsupported(state);
        };
    }

    /**
     * What a generation can do.
     *
     * @param overlays   overlay transactions ({@code /sys/fs/multikernel/overlays})
     * @param halt       a running instance can be stopped
     * @param liveResize CPUs, memory and devices of an instance change without a restart
     * @param devices    PCI devices can be lent to the pool and to instances
     * @param numa       memory can be placed on a NUMA node
     * @param cpuPool    the pool holds CPUs (the host lends them explicitly)
     */
    record Capabilities(
            boolean overlays, boolean halt, boolean liveResize, boolean devices, boolean numa, boolean cpuPool) {
        public static final Capabilities NONE = new Capabilities(false, false, false, false, false, false);
        public static final Capabilities ALL = new Capabilities(true, true, true, true, true, true);
    }

    /**
     * {@code /sys/fs/multikernel} exists but is not mounted: which generation the host speaks shows
     * once it is mounted (the pool's create mounts it).
     */
    record Unmounted(HostState state) implements KernelInterface {
        @Override
        public Capabilities capabilities() {
            return Capabilities.NONE;
        }
    }

    /** The host's kernel has no multikernel support at all. */
    record Unsupported(HostState state) implements KernelInterface {
        @Override
        public Capabilities capabilities() {
            return Capabilities.NONE;
        }
    }
}
