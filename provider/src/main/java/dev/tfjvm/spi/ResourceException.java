package dev.tfjvm.spi;

import dev.tfjvm.cty.CtyPath;
import java.util.Optional;

/**
 * A failed operation, with the message the user sees. When the remote object exists despite
 * the failure (created, then a later step failed), pass its state as {@code partialState}:
 * Terraform then keeps it in state, marked tainted, instead of losing track of it.
 */
public class ResourceException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String detail;
    private final transient Optional<CtyPath> path;
    private final transient Optional<TfObject> partialState;

    public ResourceException(String summary, String detail) {
        this(summary, detail, Optional.empty(), Optional.empty(), null);
    }

    public ResourceException(String summary, String detail, Throwable cause) {
        this(summary, detail, Optional.empty(), Optional.empty(), cause);
    }

    public ResourceException(
            String summary, String detail, Optional<CtyPath> path, Optional<TfObject> partialState, Throwable cause) {
        super(summary, cause);
        this.detail = detail == null ? "" : detail;
        this.path = path;
        this.partialState = partialState;
    }

    public String summary() {
        return getMessage();
    }

    public String detail() {
        return detail;
    }

    public Optional<CtyPath> path() {
        return path;
    }

    public Optional<TfObject> partialState() {
        return partialState;
    }

    /** The same failure, remembering that the remote object now exists as {@code state}. */
    public ResourceException withPartialState(TfObject state) {
        return new ResourceException(summary(), detail, path, Optional.of(state), getCause());
    }
}
