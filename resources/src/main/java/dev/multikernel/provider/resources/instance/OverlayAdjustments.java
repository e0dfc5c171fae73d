package dev.multikernel.provider.resources.instance;

import dev.multikernel.host.devicetree.multikernel.MemoryRange;
import dev.multikernel.host.state.HostState;
import dev.multikernel.provider.hosts.HostReads;
import dev.multikernel.provider.resources.overlay.OverlayEffects;
import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link OverlayAdjustment} of one instance from the host's live
 * {@code multikernel_overlay} transactions ({@link OverlayEffects}), in logical CPU numbers.
 */
final class OverlayAdjustments {
    private OverlayAdjustments() {}

    static OverlayAdjustment of(HostState state, String instance) {
        OverlayEffects effects = OverlayEffects.on(state, instance);
        if (effects.isEmpty()) {
            return OverlayAdjustment.none();
        }
        Map<Long, Integer> logical = HostReads.logicalByPhysical(state);
        return new OverlayAdjustment(
                logical(effects.cpusAdded(), logical),
                logical(effects.cpusRemoved(), logical),
                bytes(effects.memoryAdded()),
                bytes(effects.memoryRemoved()),
                List.copyOf(effects.devicesAdded()),
                List.copyOf(effects.devicesRemoved()));
    }

    private static CpuList logical(Collection<Long> physical, Map<Long, Integer> logical) {
        List<Integer> out = new ArrayList<>();
        for (long p : physical) {
            Integer l = logical.get(p);
            if (l != null) {
                out.add(l);
            }
        }
        return CpuList.of(out);
    }

    private static long bytes(List<MemoryRange> ranges) {
        return ranges.stream().mapToLong(MemoryRange::size).sum();
    }
}
