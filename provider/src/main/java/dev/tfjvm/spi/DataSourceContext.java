package dev.tfjvm.spi;

/**
 * What a data source sees: its wholly known configuration. A data source answers with the same
 * object, its computed attributes filled in ({@code context.config().with("name", ...)}):
 * Terraform requires configured values to come back unchanged.
 */
public interface DataSourceContext extends OperationContext {
    TfObject config();
}
