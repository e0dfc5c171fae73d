package dev.tfjvm.spi;

/** What a resource sees when it is destroyed: the state Terraform holds for it. */
public interface DeleteContext extends OperationContext {
    TfObject state();
}
