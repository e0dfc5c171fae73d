package dev.multikernel.provider;

import dev.tfjvm.TerraformPlugin;

/** Entry point of terraform-provider-multikernel: Terraform starts it through the launcher. */
public final class Main {
    /** Where Terraform finds the provider; the build's {@code provider.address} property must match it. */
    public static final String SOURCE_ADDRESS = "example.com/multikernel/multikernel";

    private Main() {}

    public static void main(String[] args) {
        TerraformPlugin.serve(args, SOURCE_ADDRESS, launch -> new MultikernelProvider(launch));
    }
}
