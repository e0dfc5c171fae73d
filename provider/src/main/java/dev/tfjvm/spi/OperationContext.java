package dev.tfjvm.spi;

import dev.tfjvm.diag.Diagnostics;
import java.time.Instant;
import java.util.Optional;

/**
 * What every operation gets besides its values: somewhere to put diagnostics, the deadline from
 * the resource's timeouts, and whether Terraform asked the provider to stop (Ctrl-C).
 * Long-running code should call {@link #checkStopped()} between steps.
 */
public interface OperationContext {
    Diagnostics diagnostics();

    /** When the operation's configured timeout runs out; empty when it has none. */
    Optional<Instant> deadline();

    boolean stopRequested();

    /** Throws {@link OperationCancelledException} once Terraform has asked the provider to stop. */
    default void checkStopped() throws OperationCancelledException {
        if (stopRequested()) {
            throw new OperationCancelledException("Terraform asked the provider to stop");
        }
    }
}
