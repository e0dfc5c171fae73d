package dev.tfjvm.docs;

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
 * The schema of a resource as Terraform sees it: the author's schema plus the {@code timeouts}
 * block the bridge adds when the resource declares {@link Resource#timeouts()}.
 *
 * <p>The server builds that block in a package-private class; this mirrors it (same attributes,
 * same descriptions), and a test compares the two through GetProviderSchema so they cannot drift.
 */
final class TimeoutsBlock {
    static final String NAME = "timeouts";

    private TimeoutsBlock() {
    }

    static Schema effectiveSchema(Resource resource) {
        Schema declared = resource.schema();
        Optional<OperationTimeouts> timeouts = resource.timeouts();
        if (timeouts.isEmpty() || declared.block().block(NAME).isPresent()) {
            return declared;
        }
        Block.Builder b = Block.builder();
        declared.block().attributes().forEach(b::attribute);
        declared.block().blocks().forEach(b::block);
        b.block(NAME, Nesting.SINGLE, of(timeouts.get()));
        Block built = b.build();
        return Schema.of(declared.version(), new Block(built.attributes(), built.blocks(),
                declared.block().description(), declared.block().deprecation()));
    }

    static Block of(OperationTimeouts t) {
        Block.Builder b = Block.builder().description("How long each operation may take before it fails.");
        t.create().ifPresent(d -> b.attribute(attribute("create", d)));
        t.read().ifPresent(d -> b.attribute(attribute("read", d)));
        t.update().ifPresent(d -> b.attribute(attribute("update", d)));
        t.delete().ifPresent(d -> b.attribute(attribute("delete", d)));
        return b.build();
    }

    private static Attribute attribute(String operation, Duration byDefault) {
        return Attribute.string(operation).optional()
                .description("Timeout for " + operation + ", such as \"30s\", \"10m\" or \"1h\" (default "
                        + byDefault.toString().substring(2).toLowerCase(Locale.ROOT) + ").")
                .build();
    }
}
