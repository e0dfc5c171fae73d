package dev.tfjvm.spi;

/** What a resource sees on refresh: the state Terraform holds. */
public interface ReadContext extends OperationContext {
    TfObject state();
}
