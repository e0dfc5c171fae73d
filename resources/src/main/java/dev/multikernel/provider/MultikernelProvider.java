package dev.multikernel.provider;

import dev.multikernel.provider.functions.MultikernelFunctions;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.spi.ConfigureContext;
import dev.tfjvm.spi.Provider;
import dev.tfjvm.spi.ProviderFunction;
import dev.tfjvm.spi.Resource;
import java.util.List;

/**
 * The {@code multikernel} provider. For now it offers only its pure functions, so its
 * configuration is empty and configuring it does nothing; resources and the host connection
 * settings come next.
 */
public final class MultikernelProvider implements Provider {
    public static final String TYPE_NAME = "multikernel";

    @Override
    public String typeName() {
        return TYPE_NAME;
    }

    @Override
    public Schema schema() {
        return Schema.of(Block.builder()
                .markdownDescription("""
                        The **multikernel** provider manages Linux multikernel hosts: memory pools, kernel \
                        instances and device-tree overlays, over SSH.

                        This version offers provider functions for the small languages of the domain \
                        (CPU lists such as `"4-7,10"` and sizes such as `"1.5GiB"`); it has no settings yet.""")
                .build());
    }

    @Override
    public void configure(ConfigureContext context) {
        // Nothing to configure yet: the functions need no host.
    }

    @Override
    public List<Resource> resources() {
        return List.of();
    }

    @Override
    public List<ProviderFunction> functions() {
        return MultikernelFunctions.all();
    }
}
