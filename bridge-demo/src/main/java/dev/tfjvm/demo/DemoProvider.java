package dev.tfjvm.demo;

import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.spi.ConfigureContext;
import dev.tfjvm.spi.DataSource;
import dev.tfjvm.spi.Launch;
import dev.tfjvm.spi.Provider;
import dev.tfjvm.spi.ProviderFunction;
import dev.tfjvm.spi.Resource;
import dev.tfjvm.spi.ResourceException;
import dev.tfjvm.spi.TfObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small provider built on the bridge to show and test it: servers kept as JSON files in a
 * directory ({@code store_dir}), a data source reading them, and a pure function.
 */
public final class DemoProvider implements Provider {
    /** The launch's directory resolves a relative store_dir (the JVM's may be the daemon's). */
    private final Launch launch;

    private volatile ObjectStore store;

    public DemoProvider() {
        this(Launch.ofProcess());
    }

    public DemoProvider(Launch launch) {
        this.launch = launch;
    }

    @Override
    public String typeName() {
        return "demo";
    }

    @Override
    public Schema schema() {
        return Schema.of(Block.builder()
                .markdownDescription("The **demo** provider keeps its objects as JSON files in `store_dir`.")
                .attribute(Attribute.string("store_dir")
                        .required()
                        .description("Directory holding the demo objects; created when missing."))
                .attribute(Attribute.string("api_token")
                        .optional()
                        .sensitive()
                        .description("Unused; shows that sensitive provider settings never reach logs or state."))
                .build());
    }

    @Override
    public void validateConfig(TfObject config, Diagnostics diagnostics) {
        if (config.isKnown("store_dir")
                && config.string("store_dir").map(String::isBlank).orElse(false)) {
            diagnostics.error(
                    dev.tfjvm.cty.CtyPath.ROOT.attr("store_dir"),
                    "Empty store_dir",
                    "Set store_dir to a directory path, for example \"${path.module}/.demo\".");
        }
    }

    @Override
    public void configure(ConfigureContext context) throws ResourceException {
        if (!context.config().isKnown("store_dir")) {
            return; // known only after apply; resources will wait for the next configure
        }
        Path dir = launch.resolve(context.config().requireString("store_dir"));
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new ResourceException("Cannot use store_dir", "Could not create " + dir + ": " + e.getMessage());
        }
        store = new ObjectStore(dir);
    }

    ObjectStore store() throws ResourceException {
        ObjectStore s = store;
        if (s == null) {
            throw new ResourceException("Provider not configured", "store_dir is not known yet.");
        }
        return s;
    }

    @Override
    public List<Resource> resources() {
        return List.of(new ServerResource(this), new BuggyResource());
    }

    @Override
    public List<DataSource> dataSources() {
        return List.of(new ServerDataSource(this));
    }

    @Override
    public List<ProviderFunction> functions() {
        return List.of(new ParseSizeFunction());
    }
}
