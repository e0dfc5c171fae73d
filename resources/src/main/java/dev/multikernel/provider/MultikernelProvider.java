package dev.multikernel.provider;

import dev.multikernel.provider.config.ProviderConfigReader;
import dev.multikernel.provider.config.ProviderConfigSchema;
import dev.multikernel.provider.datasources.HostDataSource;
import dev.multikernel.provider.datasources.InstancesDataSource;
import dev.multikernel.provider.functions.MultikernelFunctions;
import dev.multikernel.provider.hosts.HostRegistry;
import dev.multikernel.provider.hosts.Hosts;
import dev.multikernel.provider.hosts.SshConnections;
import dev.multikernel.provider.resources.instance.InstanceResource;
import dev.multikernel.provider.resources.overlay.OverlayResource;
import dev.multikernel.provider.resources.pool.PoolResource;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.spi.ConfigureContext;
import dev.tfjvm.spi.DataSource;
import dev.tfjvm.spi.Launch;
import dev.tfjvm.spi.Provider;
import dev.tfjvm.spi.ProviderFunction;
import dev.tfjvm.spi.Resource;
import dev.tfjvm.spi.TfObject;
import java.util.List;

/**
 * The {@code multikernel} provider: SSH settings for the hosts it manages (package
 * {@code config}), one connection pool and one helper client per host for the whole process
 * (package {@code hosts}), data sources that read hosts, and pure functions.
 */
public final class MultikernelProvider implements Provider, AutoCloseable {
    public static final String TYPE_NAME = "multikernel";

    private final Launch launch;
    private final HostRegistry hosts;

    /** A provider for this process, with a connection pool of its own (tests, embedding). */
    public MultikernelProvider() {
        this.launch = Launch.ofProcess();
        this.hosts = new HostRegistry();
    }

    /**
     * The provider for one launch by Terraform: its environment and directory, and SSH
     * connections shared with the other launches the provider daemon serves.
     */
    public MultikernelProvider(Launch launch) {
        this.launch = launch;
        this.hosts = new HostRegistry(SshConnections.shared(launch));
    }

    @Override
    public String typeName() {
        return TYPE_NAME;
    }

    @Override
    public Schema schema() {
        return Schema.of(ProviderConfigSchema.block());
    }

    @Override
    public void validateConfig(TfObject config, Diagnostics diagnostics) {
        ProviderConfigReader.validate(config, diagnostics);
    }

    @Override
    public void configure(ConfigureContext context) {
        ProviderConfigReader.Reading reading =
                ProviderConfigReader.read(context.config(), context.diagnostics(), launch);
        if (reading.settings().isPresent()) {
            hosts.configure(reading.settings().get());
        } else if (reading.deferred()) {
            hosts.defer();
        }
    }

    /** Host access of this provider process. */
    public HostRegistry hosts() {
        return hosts;
    }

    /** Ends this launch's host access; shared connections stay for the other launches. */
    @Override
    public void close() {
        hosts.close();
    }

    @Override
    public List<Resource> resources() {
        return resourcesOn(hosts);
    }

    @Override
    public List<DataSource> dataSources() {
        return dataSourcesOn(hosts);
    }

    /** The provider's resources, reaching hosts through {@code hosts} (a test gives fake ones). */
    public static List<Resource> resourcesOn(Hosts hosts) {
        return List.of(new PoolResource(hosts), new InstanceResource(hosts), new OverlayResource(hosts));
    }

    /** The provider's data sources, reaching hosts through {@code hosts}. */
    public static List<DataSource> dataSourcesOn(Hosts hosts) {
        return List.of(new HostDataSource(hosts), new InstancesDataSource(hosts));
    }

    @Override
    public List<ProviderFunction> functions() {
        return MultikernelFunctions.all();
    }
}
