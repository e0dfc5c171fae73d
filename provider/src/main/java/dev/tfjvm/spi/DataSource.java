package dev.tfjvm.spi;

import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.ConfigValidator;
import dev.tfjvm.schema.Schema;
import java.util.List;

/** A data source: reads something and returns it as an object of its schema. */
public interface DataSource {
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

    default void validate(TfObject config, Diagnostics diagnostics) {}

    TfObject read(DataSourceContext context) throws ResourceException;
}
