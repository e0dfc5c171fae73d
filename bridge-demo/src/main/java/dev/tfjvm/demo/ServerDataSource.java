package dev.tfjvm.demo;

import dev.tfjvm.cty.CtyDecodeException;
import dev.tfjvm.cty.CtyJson;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.spi.DataSource;
import dev.tfjvm.spi.DataSourceContext;
import dev.tfjvm.spi.ResourceException;
import dev.tfjvm.spi.TfObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** {@code demo_server} data source: looks a server up by id. */
final class ServerDataSource implements DataSource {
    private final DemoProvider provider;

    ServerDataSource(DemoProvider provider) {
        this.provider = provider;
    }

    @Override
    public String typeName() {
        return "demo_server";
    }

    @Override
    public Schema schema() {
        return Schema.of(Block.builder()
                .description("Reads a demo server by id.")
                .attribute(Attribute.string("id").required().description("Server id, such as srv-web."))
                .attribute(Attribute.string("name").computed().description("Server name."))
                .attribute(Attribute.number("size").computed().description("Number of CPUs."))
                .attribute(Attribute.of("tags", CtyType.map(CtyType.STRING))
                        .computed()
                        .description("Tags of the server."))
                .build());
    }

    @Override
    public TfObject read(DataSourceContext context) throws ResourceException {
        String id = context.config().requireString("id");
        Optional<String> json;
        try {
            json = provider.store().get(ServerResource.KIND, id);
        } catch (IOException | IllegalArgumentException e) {
            throw new ResourceException("Cannot read server", e.getMessage());
        }
        if (json.isEmpty()) {
            throw new ResourceException(
                    "No such server",
                    "There is no server with id \"" + id + "\".",
                    Optional.of(CtyPath.ROOT.attr("id")),
                    Optional.empty(),
                    null);
        }
        try {
            CtyValue.ObjectVal stored =
                    (CtyValue.ObjectVal) CtyJson.decode(json.get().getBytes(StandardCharsets.UTF_8), CtyType.DYNAMIC);
            return context.config()
                    .with("name", stored.get("name"))
                    .with("size", stored.get("size"))
                    .with("tags", stored.get("tags"));
        } catch (CtyDecodeException | ClassCastException e) {
            throw new ResourceException("Corrupt server record", e.getMessage());
        }
    }
}
