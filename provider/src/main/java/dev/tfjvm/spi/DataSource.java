package dev.tfjvm.spi;

import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.Schema;

/** A data source: reads something and returns it as an object of its schema. */
public interface DataSource {
    String typeName();

    Schema schema();

    default void validate(TfObject config, Diagnostics diagnostics) {
    }

    TfObject read(DataSourceContext context) throws ResourceException;
}
