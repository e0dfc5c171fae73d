package dev.multikernel.provider.resources.instance;

import dev.multikernel.host.state.HostState;

/** Builds the {@link OverlayAdjustment} of one instance from the host's live overlay transactions. */
final class OverlayAdjustments {
    private OverlayAdjustments() {
    }

    static OverlayAdjustment of(HostState state, String instance) {
        return OverlayAdjustment.none();
    }
}
