package dev.multikernel.provider.kernel;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.V2Instance;
import dev.multikernel.host.devicetree.multikernel.V2Tree;
import dev.multikernel.host.mkctl.Mkctl;
import dev.multikernel.host.mkctl.MkctlException;
import dev.multikernel.host.mkctl.MkctlResult;
import dev.multikernel.host.ssh.HostException;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.IomemRange;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The RFC v2 interface: the pool is the memory reserved at boot with {@code mkkernel_pool=}
 * (read from {@code /proc/iomem}); instances are created and removed whole, with one device tree
 * each, and a running instance cannot be stopped or resized. No overlays, no devices, no NUMA
 * placement, no CPU pool.
 */
public record RfcV2Interface(HostState state) implements KernelInterface {
    /** The {@code /proc/iomem} name of the boot-time pool. */
    public static final String POOL_RESOURCE = "Multikernel Memory Pool";

    private static final Capabilities CAPABILITIES = new Capabilities(false, false, false, false, false, false);

    public RfcV2Interface {
        Objects.requireNonNull(state, "state");
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    /** The bytes of the boot-time pool: the {@value #POOL_RESOURCE} ranges of {@code /proc/iomem}; 0 when none. */
    public long poolBytes() {
        long total = 0;
        for (IomemRange r : state.iomem().orElse(List.of())) {
            if (r.name().equals(POOL_RESOURCE)) {
                total += r.size();
            }
        }
        return total;
    }

    /**
     * Creates instance {@code name} with id {@code id} on the logical CPUs {@code cpus} (RFC v2
     * names CPUs by their logical number) and, when given, {@code memoryBytes} from the pool: one
     * instance tree written with {@code mkctl v2-create}, which checks the instance appeared.
     */
    public MkctlResult.V2Created createInstance(
            Mkctl mkctl, String name, int id, List<Integer> cpus, OptionalLong memoryBytes)
            throws HostException, MkctlException {
        byte[] dtb = Fdt.write(V2Tree.toTree(List.of(new V2Instance(name, id, cpus, memoryBytes))));
        return mkctl.v2Create(dtb, List.of(name));
    }

    /** Removes the (stopped) instance {@code name}. */
    public MkctlResult.V2Removed removeInstance(Mkctl mkctl, String name) throws HostException, MkctlException {
        return mkctl.v2Remove(name);
    }
}
