package dev.tfjvm;

import dev.tfjvm.plugin.PluginMain;
import dev.tfjvm.server.ProviderService;
import dev.tfjvm.server.RpcLogging;
import dev.tfjvm.spi.Launch;
import dev.tfjvm.spi.Provider;
import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one call a provider's {@code main} makes:
 * {@code TerraformPlugin.serve(args, "example.com/acme/demo", launch -> new DemoProvider(launch))}.
 * Without arguments the process is a plugin launched by Terraform; with {@code --debug} it
 * serves for {@code TF_REATTACH_PROVIDERS} and prints what to export. Under the provider daemon
 * every Terraform launch gets its own provider instance, made for its {@link Launch}.
 */
public final class TerraformPlugin {
    private TerraformPlugin() {}

    /** Serves a provider made for each launch (its environment, directory and sharing). */
    public static void serve(String[] args, String sourceAddress, Function<Launch, Provider> provider) {
        PluginMain.run(args, sourceAddress, launch -> List.of(bind(provider.apply(launch))));
    }

    /** Serves a provider that needs nothing from its launch. */
    public static void serve(String[] args, String sourceAddress, Supplier<Provider> provider) {
        serve(args, sourceAddress, launch -> provider.get());
    }

    /**
     * The provider as a gRPC service, with RPC logging; also for serving it inside tests. The
     * service is {@link AutoCloseable}: closing it stops the operations still running, then closes
     * the provider when that is closeable (at the end of the provider's session, in the daemon or
     * in a process of its own).
     */
    public static BindableService bind(Provider provider) {
        ProviderService service = new ProviderService(provider);
        ServerServiceDefinition definition = ServerInterceptors.intercept(service, new RpcLogging());
        return new Bound(definition, service, provider);
    }

    private record Bound(ServerServiceDefinition definition, ProviderService service, Provider provider)
            implements BindableService, AutoCloseable {
        @Override
        public ServerServiceDefinition bindService() {
            return definition;
        }

        /** Operations still running stop first (they may need the provider's connections to undo work). */
        @Override
        public void close() {
            service.close();
            if (provider instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException("the provider did not close cleanly: " + e, e);
                }
            }
        }
    }
}
