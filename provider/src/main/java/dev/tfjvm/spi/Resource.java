package dev.tfjvm.spi;

import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.ConfigValidator;
import dev.tfjvm.schema.Schema;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A managed resource type. The framework handles the wire, the plan bookkeeping (defaults,
 * unknown computed values, plan modifiers, requires-replace) and checks every answer against the
 * rules Terraform enforces, so an implementation only says what the resource means.
 */
public interface Resource {
    /** The full type name, such as {@code demo_server}. */
    String typeName();

    Schema schema();

    /**
     * Checks across attributes (such as {@code ConfigValidators.conflicting("cpus", "cpu_count")}),
     * run by the bridge with the schema's validators; an error they report is not repeated by
     * the author's own validation.
     */
    default List<ConfigValidator> configValidators() {
        return List.of();
    }

    /** Static checks of the configuration; values may be unknown here. */
    default void validate(TfObject config, Diagnostics diagnostics) {}

    /** Refines the plan; see {@link PlanContext}. */
    default void modifyPlan(PlanContext context) throws ResourceException {}

    TfObject create(ApplyContext context) throws ResourceException;

    /** The object as it is now, or empty when it is definitely gone. */
    Optional<TfObject> read(ReadContext context) throws ResourceException;

    TfObject update(ApplyContext context) throws ResourceException;

    void delete(DeleteContext context) throws ResourceException;

    /**
     * Turns the id given to {@code terraform import} into a state to read. Return at least the
     * attributes {@link #read} needs; the framework reads the object right after.
     */
    default TfObject importState(String id, TfObject emptyState, OperationContext context) throws ResourceException {
        throw new ResourceException("Import not supported", typeName() + " cannot be imported.");
    }

    /** Upgraders from older schema versions, keyed by the version they read. */
    default Map<Long, StateUpgrader> stateUpgraders() {
        return Map.of();
    }

    /** Default per-operation timeouts; when present, users can set them in a {@code timeouts} block. */
    default Optional<OperationTimeouts> timeouts() {
        return Optional.empty();
    }
}
