package dev.tfjvm.spi;

import java.util.Optional;

/**
 * What a resource sees when it creates or updates: the wholly known configuration (write-only
 * values included), the plan it promised, and the prior state (empty on create).
 */
public interface ApplyContext extends OperationContext {
    TfObject config();

    TfObject planned();

    Optional<TfObject> prior();
}
