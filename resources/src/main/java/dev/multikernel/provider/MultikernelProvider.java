package dev.multikernel.provider;

import dev.multikernel.provider.config.ProviderConfigReader;
import dev.multikernel.provider.config.ProviderConfigSchema;
import dev.multikernel.provider.datasources.HostDataSource;
import dev.multikernel.provider.datasources.InstancesDataSource;
import dev.multikernel.provider.functions.MultikernelFunctions;
import dev.multikernel.provider.hosts.HostRegistry;
import dev.multikernel.provider.resources.instance.InstanceResource;
import dev.multikernel.provider.resources.overlay.OverlayResource;
import dev.multikernel.provider.resources.pool.PoolResource;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.spi.ConfigureContext;
import dev.tfjvm.spi.DataSource;
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
public final class MultikernelProvider implements Provider {
    public static final String TYPE_NAME = "multikernel";

    private final HostRegistry hosts = new HostRegistry();

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
        ProviderConfigReader.Reading reading = ProviderConfigReader.read(context.config(), context.diagnostics());
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

    @Override
    public List<Resource> resources() {
        return List.of(
                new PoolResource(hosts),
                new InstanceResource(hosts),
                new OverlayResource(hosts));
    }

    @Override
    public List<DataSource> dataSources() {
        return List.of(new HostDataSource(hosts), new InstancesDataSource(hosts));
    }

    @Override
    public List<ProviderFunction> functions() {
        return MultikernelFunctions.all();
    }
}
