package dev.tfjvm.spi;

/**
 * The provider configuration. During plan it may hold unknown values (from resources not yet
 * created); a provider must then defer what needs them.
 */
public interface ConfigureContext extends OperationContext {
    TfObject config();

    /** The Terraform (or OpenTofu) CLI version that launched the provider. */
    String terraformVersion();
}
