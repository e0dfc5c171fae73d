package dev.tfjvm.docs;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Description;
import dev.tfjvm.schema.Nesting;
import dev.tfjvm.schema.PlanModifiers;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.schema.Validators;
import dev.tfjvm.spi.ApplyContext;
import dev.tfjvm.spi.ConfigureContext;
import dev.tfjvm.spi.DataSource;
import dev.tfjvm.spi.DataSourceContext;
import dev.tfjvm.spi.DeleteContext;
import dev.tfjvm.spi.OperationTimeouts;
import dev.tfjvm.spi.Provider;
import dev.tfjvm.spi.ProviderFunction;
import dev.tfjvm.spi.ReadContext;
import dev.tfjvm.spi.Resource;
import dev.tfjvm.spi.TfObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A provider that exists to be documented: every attribute type, nesting mode and flag the
 * schema package has, a timeouts block, a deprecated resource, functions of every shape.
 * Public with a no-argument constructor so {@link GenerateDocs} can load it by name.
 */
public class ToyProvider implements Provider {
    @Override
    public String typeName() {
        return "toy";
    }

    @Override
    public Schema schema() {
        return Schema.of(Block.builder()
                .markdownDescription(
                        "The **toy** provider exists to be documented; see [the guide](guides/getting-started.md).")
                .attribute(Attribute.string("endpoint").required().description("Where the toys live."))
                .attribute(Attribute.string("token").optional().sensitive().description("API token."))
                .block(
                        "retry",
                        Nesting.SINGLE,
                        Block.builder()
                                .attribute(
                                        Attribute.number("attempts").optional().description("How many times."))
                                .build())
                .build());
    }

    @Override
    public void configure(ConfigureContext context) {}

    @Override
    public List<Resource> resources() {
        return List.of(new Plain(), new Machine());
    }

    @Override
    public List<DataSource> dataSources() {
        return List.of(new MachineData());
    }

    @Override
    public List<ProviderFunction> functions() {
        return List.of(
                new Function(
                        "join_all",
                        List.of(new ProviderFunction.Parameter(
                                "separator",
                                CtyType.STRING,
                                true,
                                false,
                                Description.plain("Goes between the parts; null means none."))),
                        Optional.of(ProviderFunction.Parameter.of("parts", CtyType.STRING, "A part to join.")),
                        CtyType.STRING,
                        "Joins strings",
                        Description.NONE),
                new Function(
                        "add",
                        List.of(
                                ProviderFunction.Parameter.of("a", CtyType.NUMBER, "First addend."),
                                ProviderFunction.Parameter.of("b", CtyType.NUMBER, "Second addend.")),
                        Optional.empty(),
                        CtyType.NUMBER,
                        "Adds two numbers.",
                        Description.markdown("Exact: `add(0.1, 0.2)` is `0.3`.\n\nNo rounding happens.")),
                new Function(
                        "version", List.of(), Optional.empty(), CtyType.STRING, "The toy version.", Description.NONE),
                new Function(
                        "split_pair",
                        List.of(ProviderFunction.Parameter.of("text", CtyType.STRING, "")),
                        Optional.empty(),
                        CtyType.object(
                                Map.of("left", CtyType.STRING, "right", CtyType.list(CtyType.NUMBER)), Set.of("right")),
                        "Splits text at the first colon.",
                        Description.NONE));
    }

    /** A resource with every kind of attribute and block. */
    static final class Machine extends Stub {
        @Override
        public String typeName() {
            return "toy_machine";
        }

        @Override
        public Schema schema() {
            return Schema.of(
                    2,
                    Block.builder()
                            .markdownDescription("A toy machine. Machines have *disks* and `endpoints`.")
                            .attribute(
                                    Attribute.string("id").computed().planModifiers(PlanModifiers.useStateForUnknown()))
                            .attribute(Attribute.string("name")
                                    .required()
                                    .validators(Validators.matches(Pattern.compile("[a-z]+"), "lowercase letters"))
                                    .planModifiers(PlanModifiers.requiresReplace())
                                    .description("Machine name."))
                            .attribute(Attribute.number("cpus")
                                    .optional()
                                    .computed()
                                    .defaultValue(CtyValue.number(2))
                                    .validators(Validators.between(1, 64))
                                    .description("CPU count."))
                            .attribute(Attribute.string("flavor")
                                    .optional()
                                    .computed()
                                    .defaultValue(CtyValue.string("small \"s\""))
                                    .validators(Validators.oneOf("small \"s\"", "large"))
                                    .description("Flavor."))
                            .attribute(Attribute.bool("enabled").optional().description("Whether it runs."))
                            .attribute(Attribute.of("tags", CtyType.map(CtyType.STRING))
                                    .optional()
                                    .description("Tags."))
                            .attribute(Attribute.of("ports", CtyType.set(CtyType.NUMBER))
                                    .optional()
                                    .description("Ports."))
                            .attribute(Attribute.of("aliases", CtyType.list(CtyType.STRING))
                                    .optional()
                                    .validators(Validators.lengthBetween(0, 3)))
                            .attribute(Attribute.string("password")
                                    .optional()
                                    .sensitive()
                                    .description("Console password."))
                            .attribute(Attribute.string("bootstrap_token")
                                    .optional()
                                    .sensitive()
                                    .writeOnly()
                                    .description("One-time token; never stored."))
                            .attribute(Attribute.string("legacy")
                                    .optional()
                                    .deprecated("Use `tags` instead.")
                                    .description("Old flag."))
                            .attribute(Attribute.string("older").optional().deprecated(""))
                            .attribute(Attribute.of("settings", CtyType.DYNAMIC)
                                    .optional()
                                    .description("Anything."))
                            .attribute(Attribute.of("coords", CtyType.tuple(List.of(CtyType.NUMBER, CtyType.NUMBER)))
                                    .computed())
                            .attribute(Attribute.of(
                                            "labels",
                                            CtyType.object(Map.of(
                                                    "owner",
                                                    CtyType.STRING,
                                                    "history",
                                                    CtyType.list(CtyType.object(
                                                            Map.of("at", CtyType.STRING, "by", CtyType.STRING))))))
                                    .computed()
                                    .description("Labels the machine reports."))
                            .attribute(Attribute.of(
                                            "peers", CtyType.list(CtyType.object(Map.of("host", CtyType.STRING))))
                                    .optional()
                                    .description("Peers."))
                            .attribute(Attribute.string("notes")
                                    .optional()
                                    .markdownDescription("Free text.\n\nIt may hold:\n- lists\n- of things"))
                            .attribute(Attribute.nested(
                                            "endpoints",
                                            Nesting.LIST,
                                            Attribute.string("name").required().description("Endpoint name."),
                                            Attribute.number("port")
                                                    .optional()
                                                    .computed()
                                                    .defaultValue(CtyValue.number(80)),
                                            Attribute.string("secret")
                                                    .optional()
                                                    .writeOnly(),
                                            Attribute.string("url").computed().description("Where it answers."),
                                            Attribute.nested(
                                                            "tls",
                                                            Nesting.SINGLE,
                                                            Attribute.bool("verify")
                                                                    .optional(),
                                                            Attribute.string("fingerprint")
                                                                    .computed())
                                                    .optional())
                                    .optional()
                                    .description("Service endpoints."))
                            .attribute(Attribute.nested(
                                            "limits",
                                            Nesting.SINGLE,
                                            Attribute.number("memory").required())
                                    .required()
                                    .description("Resource limits."))
                            .attribute(Attribute.nested(
                                            "meta",
                                            Nesting.MAP,
                                            Attribute.string("value").required())
                                    .computed()
                                    .description("Reported metadata."))
                            .attribute(Attribute.nested(
                                            "rules",
                                            Nesting.SET,
                                            Attribute.number("port").required())
                                    .optional())
                            .block(
                                    "disk",
                                    Nesting.LIST,
                                    Block.builder()
                                            .description("A disk.")
                                            .attribute(Attribute.string("label").required())
                                            .attribute(
                                                    Attribute.string("serial").computed())
                                            .block(
                                                    "partition",
                                                    Nesting.LIST,
                                                    Block.builder()
                                                            .attribute(Attribute.number("size")
                                                                    .required()
                                                                    .description("Size in MiB."))
                                                            .build(),
                                                    0,
                                                    4)
                                            .build(),
                                    1,
                                    8)
                            .block(
                                    "network",
                                    Nesting.SINGLE,
                                    Block.builder()
                                            .attribute(Attribute.string("mode")
                                                    .required()
                                                    .validators(Validators.oneOf("nat", "bridge")))
                                            .build())
                            .block(
                                    "boot",
                                    Nesting.SINGLE,
                                    Block.builder()
                                            .attribute(
                                                    Attribute.string("kernel").required())
                                            .build(),
                                    1,
                                    1)
                            .block(
                                    "placement",
                                    Nesting.GROUP,
                                    Block.builder()
                                            .attribute(Attribute.string("rack").optional())
                                            .build())
                            .block(
                                    "volume",
                                    Nesting.MAP,
                                    Block.builder()
                                            .attribute(Attribute.string("path").required())
                                            .build())
                            .block(
                                    "firewall",
                                    Nesting.SET,
                                    Block.builder()
                                            .attribute(Attribute.number("port").required())
                                            .build())
                            .block(
                                    "status",
                                    Nesting.LIST,
                                    Block.builder()
                                            .attribute(Attribute.string("state").computed())
                                            .build())
                            .block("marker", Nesting.LIST, Block.empty(), 0, 1)
                            .block(
                                    "old_disk",
                                    Nesting.LIST,
                                    Block.builder()
                                            .deprecated("Use disk.")
                                            .attribute(Attribute.string("label").optional())
                                            .build())
                            .build());
        }

        @Override
        public Optional<OperationTimeouts> timeouts() {
            return Optional.of(OperationTimeouts.of(Duration.ofMinutes(10), null, null, Duration.ofSeconds(90)));
        }
    }

    /** A deprecated resource with no examples and no description. */
    static final class Plain extends Stub {
        @Override
        public String typeName() {
            return "toy_plain";
        }

        @Override
        public Schema schema() {
            return Schema.of(Block.builder()
                    .deprecated("Use toy_machine.")
                    .attribute(Attribute.string("id").computed().description("Plain id."))
                    .build());
        }
    }

    static final class MachineData implements DataSource {
        @Override
        public String typeName() {
            return "toy_machine";
        }

        @Override
        public Schema schema() {
            return Schema.of(Block.builder()
                    .description("Looks a machine up.")
                    .attribute(Attribute.string("name").required().description("Machine name."))
                    .attribute(Attribute.string("id").computed())
                    .attribute(Attribute.of("tags", CtyType.map(CtyType.STRING))
                            .computed()
                            .description("Tags."))
                    .build());
        }

        @Override
        public TfObject read(DataSourceContext context) {
            return context.config();
        }
    }

    abstract static class Stub implements Resource {
        @Override
        public TfObject create(ApplyContext context) {
            return context.planned();
        }

        @Override
        public Optional<TfObject> read(ReadContext context) {
            return Optional.of(context.state());
        }

        @Override
        public TfObject update(ApplyContext context) {
            return context.planned();
        }

        @Override
        public void delete(DeleteContext context) {}
    }

    record Function(
            String name,
            List<Parameter> parameters,
            Optional<Parameter> variadicParameter,
            CtyType returnType,
            String summary,
            Description description)
            implements ProviderFunction {
        @Override
        public CtyValue call(List<CtyValue> arguments) throws FunctionException {
            throw new FunctionException("not callable in docs tests");
        }
    }
}
