package dev.tfjvm;

import dev.tfjvm.plugin.PluginMain;
import dev.tfjvm.server.ProviderService;
import dev.tfjvm.spi.Provider;
import java.util.List;
import java.util.function.Supplier;

/**
 * The one call a provider's {@code main} makes:
 * {@code TerraformPlugin.serve(args, "example.com/acme/demo", DemoProvider::new)}.
 * Without arguments the process is a plugin launched by Terraform; with {@code --debug} it
 * serves for {@code TF_REATTACH_PROVIDERS} and prints what to export.
 */
public final class TerraformPlugin {
    private TerraformPlugin() {
    }

    public static void serve(String[] args, String sourceAddress, Supplier<Provider> provider) {
        PluginMain.run(args, sourceAddress, () -> List.of(new ProviderService(provider.get())));
    }
}
