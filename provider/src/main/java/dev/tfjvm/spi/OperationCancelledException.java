package dev.tfjvm.spi;

/** The operation stopped early because Terraform asked the provider to stop or a timeout ran out. */
public final class OperationCancelledException extends ResourceException {
    private static final long serialVersionUID = 1L;

    public OperationCancelledException(String why) {
        super("Operation cancelled", why);
    }
}
