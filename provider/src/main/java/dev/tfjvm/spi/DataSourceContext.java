package dev.tfjvm.spi;

/** What a data source sees: its wholly known configuration. */
public interface DataSourceContext extends OperationContext {
    TfObject config();

    /** An object of the data source's schema with every attribute null, to fill in. */
    TfObject emptyResult();
}
