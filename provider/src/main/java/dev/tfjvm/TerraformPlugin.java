package dev.tfjvm;

import dev.tfjvm.plugin.PluginMain;
import dev.tfjvm.server.ProviderService;
import dev.tfjvm.server.RpcLogging;
import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
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
        PluginMain.run(args, sourceAddress, () -> List.of(bind(provider.get())));
    }

    /** The provider as a gRPC service, with RPC logging; also for serving it inside tests. */
    public static BindableService bind(Provider provider) {
        ServerServiceDefinition definition = ServerInterceptors.intercept(new ProviderService(provider), new RpcLogging());
        return () -> definition;
    }
}
