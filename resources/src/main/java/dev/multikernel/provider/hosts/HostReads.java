package dev.multikernel.provider.hosts;

import dev.multikernel.host.state.HostState;
import dev.multikernel.provider.config.HostAddress;
import dev.multikernel.provider.plan.CpuTopology;
import dev.multikernel.provider.values.CpuList;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.spi.ResourceException;
import dev.tfjvm.spi.TfObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the data sources share: the {@code host} attribute, one state read, CPU id translation. */
public final class HostReads {
    public static final String HOST = "host";

    private HostReads() {}

    public static Attribute.Builder hostAttribute() {
        return Attribute.string(HOST)
                .required()
                .markdownDescription("The host to read: `address`, "
                        + "`user@address`, `address:port` or `user@address:port`; what it leaves out comes from the "
                        + "provider configuration.");
    }

    /** Reports a malformed {@code host} at validate time, when it is known. */
    public static void validateHost(TfObject config, Diagnostics diagnostics) {
        if (config.isKnown(HOST) && !config.isNull(HOST)) {
            try {
                HostAddress.parse(config.requireString(HOST));
            } catch (IllegalArgumentException e) {
                diagnostics.error(CtyPath.ROOT.attr(HOST), "Invalid host", e.getMessage());
            }
        }
    }

    /** The {@code host} attribute of {@code object} as an address; a malformed one is an error on that attribute. */
    public static HostAddress address(TfObject object) throws ResourceException {
        try {
            return HostAddress.parse(object.requireString(HOST));
        } catch (IllegalArgumentException e) {
            throw new ResourceException(
                    "Invalid host", e.getMessage(), Optional.of(CtyPath.ROOT.attr(HOST)), Optional.empty(), e);
        }
    }

    /**
     * The state of the host {@code object} names: one {@code mkctl state} per host and provider
     * process until something changes that host (see {@link HostRegistry#state}).
     */
    public static HostState readState(Hosts hosts, TfObject object) throws ResourceException {
        return hosts.state(address(object));
    }

    /**
     * Physical (APIC) id → logical CPU number, for the CPUs whose mapping the host reported. The
     * kernel's device trees speak physical ids; users speak logical numbers (docs/design/cpu-naming.md).
     */
    public static Map<Long, Integer> logicalByPhysical(HostState state) {
        return CpuTopology.from(state.cpus()).logicalByPhysical();
    }

    /** The logical numbers of {@code physical} as a cpulist string; ids without a known mapping are left out. */
    public static String logicalCpuList(Collection<Long> physical, Map<Long, Integer> logicalByPhysical) {
        List<Integer> logical = new ArrayList<>();
        for (Long p : physical) {
            Integer l = logicalByPhysical.get(p);
            if (l != null && CpuList.isValidId(l)) {
                logical.add(l);
            }
        }
        return CpuList.of(logical).format();
    }

    /** The physical ids in {@code physical} whose logical number is not known. */
    public static List<Long> unmapped(Collection<Long> physical, Map<Long, Integer> logicalByPhysical) {
        return physical.stream()
                .filter(p -> !logicalByPhysical.containsKey(p))
                .sorted()
                .toList();
    }
}
