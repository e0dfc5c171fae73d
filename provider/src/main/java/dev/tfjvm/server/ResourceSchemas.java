package dev.tfjvm.server;

import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Nesting;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.spi.OperationTimeouts;
import dev.tfjvm.spi.Resource;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A resource's schema as Terraform sees it: the author's schema plus what the bridge adds, the
 * {@code timeouts} block of a resource that declares {@link Resource#timeouts()}. The server
 * serves it and the documentation generator documents it, from this one place.
 */
public final class ResourceSchemas {
    /** The name of the block the bridge adds for per-operation timeouts. */
    public static final String TIMEOUTS = "timeouts";

    private ResourceSchemas() {}

    public static Schema effective(Resource resource) {
        Schema declared = resource.schema();
        Optional<OperationTimeouts> timeouts = resource.timeouts();
        if (timeouts.isEmpty()) {
            return declared;
        }
        Block.Builder b = Block.builder();
        declared.block().attributes().forEach(b::attribute);
        declared.block().blocks().forEach(b::block);
        b.block(TIMEOUTS, Nesting.SINGLE, timeoutsBlock(timeouts.get()));
        Block built = b.build();
        return Schema.of(
                declared.version(),
                new Block(
                        built.attributes(),
                        built.blocks(),
                        declared.block().description(),
                        declared.block().deprecation()));
    }

    private static Block timeoutsBlock(OperationTimeouts t) {
        Block.Builder b = Block.builder().description("How long each operation may take before it fails.");
        t.create().ifPresent(d -> b.attribute(timeoutAttribute("create", d)));
        t.read().ifPresent(d -> b.attribute(timeoutAttribute("read", d)));
        t.update().ifPresent(d -> b.attribute(timeoutAttribute("update", d)));
        t.delete().ifPresent(d -> b.attribute(timeoutAttribute("delete", d)));
        return b.build();
    }

    private static Attribute timeoutAttribute(String op, Duration byDefault) {
        return Attribute.string(op)
                .optional()
                .description("Timeout for " + op + ", such as \"30s\", \"10m\" or \"1h\" (default "
                        + byDefault.toString().substring(2).toLowerCase(Locale.ROOT) + ").")
                .validators((path, value, d) -> {
                    try {
                        GoDuration.parse(((CtyValue.Str) value).value());
                    } catch (IllegalArgumentException e) {
                        d.error(path, "Invalid timeout", e.getMessage());
                    }
                })
                .build();
    }
}
