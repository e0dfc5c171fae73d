package dev.tfjvm.spi;

import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.ConfigValidator;
import dev.tfjvm.schema.Schema;
import java.util.List;

/**
 * A Terraform provider built on the bridge: its configuration schema and what it offers.
 * One instance serves one provider process.
 */
public interface Provider {
    /** The provider's type name, such as {@code demo}; resource type names start with it. */
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

    default void validateConfig(TfObject config, Diagnostics diagnostics) {}

    void configure(ConfigureContext context) throws ResourceException;

    List<Resource> resources();

    default List<DataSource> dataSources() {
        return List.of();
    }

    default List<ProviderFunction> functions() {
        return List.of();
    }
}
