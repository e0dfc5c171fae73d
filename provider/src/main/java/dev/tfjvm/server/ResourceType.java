package dev.tfjvm.server;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Nesting;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.spi.OperationTimeouts;
import dev.tfjvm.spi.Resource;
import dev.tfjvm.spi.TfObject;
import java.time.Duration;
import java.util.Optional;

/**
 * A resource as the server sees it: the author's schema plus what the framework adds (the
 * {@code timeouts} block), and the timeouts each operation runs under.
 */
final class ResourceType {
    static final String TIMEOUTS = "timeouts";

    final Resource resource;
    final Schema schema;
    final Block block;
    final CtyType.ObjectType type;

    ResourceType(Resource resource) {
        this.resource = resource;
        Schema declared = resource.schema();
        Optional<OperationTimeouts> timeouts = resource.timeouts();
        if (timeouts.isPresent()) {
            Block.Builder b = Block.builder();
            declared.block().attributes().forEach(b::attribute);
            declared.block().blocks().forEach(b::block);
            b.block(TIMEOUTS, Nesting.SINGLE, timeoutsBlock(timeouts.get()));
            Block withTimeouts = new Block(b.build().attributes(), b.build().blocks(),
                    declared.block().description(), declared.block().deprecation());
            this.schema = Schema.of(declared.version(), withTimeouts);
        } else {
            this.schema = declared;
        }
        this.block = schema.block();
        this.type = block.impliedType();
    }

    private static Block timeoutsBlock(OperationTimeouts t) {
        Block.Builder b = Block.builder().description("How long each operation may take before it fails.");
        t.create().ifPresent(d -> b.attribute(timeoutAttribute("create", d)));
        t.read().ifPresent(d -> b.attribute(timeoutAttribute("read", d)));
        t.update().ifPresent(d -> b.attribute(timeoutAttribute("update", d)));
        t.delete().ifPresent(d -> b.attribute(timeoutAttribute("delete", d)));
        return b.build();
    }

    private static Attribute timeoutAttribute(String op, Duration def) {
        return Attribute.string(op).optional()
                .description("Timeout for " + op + ", such as \"30s\", \"10m\" or \"1h\" (default "
                        + def.toString().substring(2).toLowerCase() + ").")
                .validators((path, value, d) -> {
                    try {
                        GoDuration.parse(((dev.tfjvm.cty.CtyValue.Str) value).value());
                    } catch (IllegalArgumentException e) {
                        d.error(path, "Invalid timeout", e.getMessage());
                    }
                }).build();
    }

    /** The timeout for {@code op} from the object's timeouts block, else the resource's default. */
    Optional<Duration> timeout(String op, Optional<TfObject> object) {
        Optional<OperationTimeouts> declared = resource.timeouts();
        if (declared.isEmpty()) {
            return Optional.empty();
        }
        Optional<Duration> configured = object.flatMap(o -> o.object(TIMEOUTS)).flatMap(t -> t.block().attribute(op)
                .flatMap(a -> t.string(op))).map(GoDuration::parse);
        if (configured.isPresent()) {
            return configured;
        }
        OperationTimeouts t = declared.get();
        return switch (op) {
            case "create" -> t.create();
            case "read" -> t.read();
            case "update" -> t.update();
            default -> t.delete();
        };
    }
}
