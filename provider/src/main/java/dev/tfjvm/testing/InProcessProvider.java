package dev.tfjvm.testing;

import dev.tfjvm.TerraformPlugin;
import dev.tfjvm.plugin.PluginOptions;
import dev.tfjvm.plugin.PluginServer;
import dev.tfjvm.plugin.PluginStartException;
import dev.tfjvm.spi.Provider;
import java.util.List;

/**
 * A provider served inside the test JVM in debug mode, for {@link TerraformCli#withReattach}:
 * the real {@code terraform} talks to it without installation or {@code init}, and the test can
 * set breakpoints in it.
 */
public final class InProcessProvider implements AutoCloseable {
    private final PluginServer server;
    private final String sourceAddress;

    private InProcessProvider(PluginServer server, String sourceAddress) {
        this.server = server;
        this.sourceAddress = sourceAddress;
    }

    /** Serves {@code provider} under {@code sourceAddress} (such as "example.com/acme/demo"). */
    public static InProcessProvider start(Provider provider, String sourceAddress) throws PluginStartException {
        return new InProcessProvider(
                PluginServer.start(PluginOptions.debug(), List.of(TerraformPlugin.bind(provider))), sourceAddress);
    }

    /** The value of TF_REATTACH_PROVIDERS that points Terraform at this provider. */
    public String reattachJson() {
        return server.reattachJson(sourceAddress);
    }

    @Override
    public void close() {
        server.close();
    }
}
