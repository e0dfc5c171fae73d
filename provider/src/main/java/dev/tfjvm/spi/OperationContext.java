package dev.tfjvm.spi;

import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.log.Log;
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

    /**
     * A logger for this operation: hclog JSON lines on stderr, which Terraform shows under
     * {@code TF_LOG=debug} (or {@code TF_LOG_PROVIDER}). Each line carries {@code tf_operation}
     * (such as {@code "plan multikernel_instance"}) and {@code tf_req_id}, shared by every line of
     * one operation. Add fields with {@link Log#with}; log a {@link TfObject} rather than its
     * values, so its sensitive attributes are masked; mask other fields with {@link Log#masking}.
     */
    default Log log() {
        return Log.get("");
    }

    /** Throws {@link OperationCancelledException} once Terraform has asked the provider to stop. */
    default void checkStopped() throws OperationCancelledException {
        if (stopRequested()) {
            throw new OperationCancelledException("Terraform asked the provider to stop");
        }
    }
}
