package dev.tfjvm.server;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.schema.Block;
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
    static final String TIMEOUTS = ResourceSchemas.TIMEOUTS;

    final Resource resource;
    final Schema schema;
    final Block block;
    final CtyType.ObjectType type;

    ResourceType(Resource resource) {
        this.resource = resource;
        this.schema = ResourceSchemas.effective(resource);
        this.block = schema.block();
        this.type = block.impliedType();
    }

    /** The timeout for {@code op} from the object's timeouts block, else the resource's default. */
    Optional<Duration> timeout(String op, Optional<TfObject> object) {
        Optional<OperationTimeouts> declared = resource.timeouts();
        if (declared.isEmpty()) {
            return Optional.empty();
        }
        Optional<Duration> configured = object.flatMap(o -> o.object(TIMEOUTS))
                .flatMap(t -> t.block().attribute(op).flatMap(a -> t.string(op)))
                .map(GoDuration::parse);
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
