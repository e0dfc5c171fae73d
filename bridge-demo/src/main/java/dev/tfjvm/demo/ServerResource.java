package dev.tfjvm.demo;

import dev.tfjvm.cty.CtyDecodeException;
import dev.tfjvm.cty.CtyEncodeException;
import dev.tfjvm.cty.CtyJson;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Nesting;
import dev.tfjvm.schema.PlanModifiers;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.schema.Validators;
import dev.tfjvm.spi.ApplyContext;
import dev.tfjvm.spi.DeleteContext;
import dev.tfjvm.spi.Model;
import dev.tfjvm.spi.OperationContext;
import dev.tfjvm.spi.OperationTimeouts;
import dev.tfjvm.spi.ReadContext;
import dev.tfjvm.spi.Resource;
import dev.tfjvm.spi.ResourceException;
import dev.tfjvm.spi.StateUpgrader;
import dev.tfjvm.spi.TfObject;
import dev.tfjvm.spi.Value;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code demo_server}: shows every kind of attribute and block the bridge supports. Schema
 * version 1; version 0 kept {@code size} as a string and tags in a {@code labels} string.
 */
final class ServerResource implements Resource {
    static final String KIND = "servers";
    private final DemoProvider provider;

    ServerResource(DemoProvider provider) {
        this.provider = provider;
    }

    @Override
    public String typeName() {
        return "demo_server";
    }

    /** What the server completes in each planned endpoint: its URL, from the name and port. */
    private record Endpoint(String name, long port, Value<String> url) {}

    /** The part of a planned server that {@link #fill} reads and writes, bound to the schema by name. */
    private record Addressed(String name, Optional<List<Endpoint>> endpoints) {}

    private static final Schema SCHEMA = buildSchema();
    private static final Model<Addressed> ADDRESSED = Model.of(Addressed.class, SCHEMA.block());

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    private static Schema buildSchema() {
        return Schema.of(
                1,
                Block.builder()
                        .description("A demo server stored as a JSON file.")
                        .attribute(Attribute.string("id")
                                .computed()
                                .planModifiers(PlanModifiers.useStateForUnknown())
                                .description("Identifier, derived from the name at creation."))
                        .attribute(Attribute.string("name")
                                .required()
                                .validators(
                                        Validators.matches(
                                                Pattern.compile("[a-z][a-z0-9-]{0,30}"),
                                                "lowercase letters, digits and dashes, starting with a letter, at most 31 characters"))
                                .description("Server name."))
                        .attribute(Attribute.number("size")
                                .optional()
                                .computed()
                                .defaultValue(CtyValue.number(1))
                                .validators(Validators.between(1, 64))
                                .description("Number of CPUs."))
                        .attribute(Attribute.string("zone")
                                .optional()
                                .planModifiers(PlanModifiers.requiresReplace())
                                .description("Zone the server runs in."))
                        .attribute(Attribute.of("tags", CtyType.map(CtyType.STRING))
                                .optional()
                                .description("Free-form tags."))
                        .attribute(Attribute.of("ports", CtyType.set(CtyType.NUMBER))
                                .optional()
                                .description("Open ports."))
                        .attribute(Attribute.string("password")
                                .optional()
                                .sensitive()
                                .description("Console password."))
                        .attribute(Attribute.string("bootstrap_token")
                                .optional()
                                .writeOnly()
                                .description("One-time token used at creation; never stored."))
                        .attribute(Attribute.bool("token_set")
                                .computed()
                                .description("Whether a bootstrap token was given at the last apply."))
                        .attribute(Attribute.string("created_at")
                                .computed()
                                .planModifiers(PlanModifiers.useStateForUnknown())
                                .description("Creation time (RFC 3339)."))
                        .attribute(Attribute.number("revision").computed().description("Incremented by every update."))
                        .attribute(Attribute.string("legacy_flag")
                                .optional()
                                .deprecated("Use tags instead.")
                                .description("Deprecated; shows the deprecation warning."))
                        .attribute(Attribute.nested(
                                        "endpoints",
                                        Nesting.LIST,
                                        Attribute.string("name")
                                                .required()
                                                .description("Endpoint name, used in its URL."),
                                        Attribute.number("port").required().description("TCP port."),
                                        Attribute.string("url").computed().description("Where the endpoint answers."))
                                .optional()
                                .description("Service endpoints; each gets a URL."))
                        .block(
                                "network",
                                Nesting.SINGLE,
                                Block.builder()
                                        .description("How the server is attached to the network.")
                                        .attribute(Attribute.string("mode")
                                                .required()
                                                .validators(Validators.oneOf("bridge", "nat"))
                                                .description("Attachment mode."))
                                        .attribute(Attribute.number("mtu")
                                                .optional()
                                                .computed()
                                                .description("MTU in bytes; 1500 when not set."))
                                        .build(),
                                0,
                                0)
                        .block(
                                "disk",
                                Nesting.LIST,
                                Block.builder()
                                        .description("A disk; up to eight, in order.")
                                        .attribute(Attribute.string("label")
                                                .required()
                                                .description("Disk label."))
                                        .attribute(Attribute.number("size_gb")
                                                .required()
                                                .description("Size in GiB."))
                                        .attribute(Attribute.string("serial")
                                                .computed()
                                                .description("Serial number, derived from the label."))
                                        .build(),
                                0,
                                8)
                        .block(
                                "rule",
                                Nesting.SET,
                                Block.builder()
                                        .description("A firewall rule; unordered.")
                                        .attribute(Attribute.number("port")
                                                .required()
                                                .description("Port the rule opens."))
                                        .attribute(Attribute.string("protocol")
                                                .optional()
                                                .description("Protocol, such as tcp or udp."))
                                        .build(),
                                0,
                                0)
                        .build());
    }

    @Override
    public Optional<OperationTimeouts> timeouts() {
        return Optional.of(OperationTimeouts.of(
                Duration.ofMinutes(2), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(2)));
    }

    @Override
    public TfObject create(ApplyContext context) throws ResourceException {
        TfObject planned = context.planned();
        String id = "srv-" + planned.requireString("name");
        try {
            if (provider.store().get(KIND, id).isPresent()) {
                throw new ResourceException(
                        "Server already exists",
                        "A server with id " + id
                                + " already exists. Import it with: terraform import demo_server.<name> " + id,
                        Optional.of(CtyPath.ROOT.attr("name")),
                        Optional.empty(),
                        null);
            }
        } catch (IOException e) {
            throw storeError(e);
        }
        TfObject state = fill(planned, context.config(), 1)
                .with("id", id)
                .with("created_at", Instant.now().toString());
        save(state);
        return state;
    }

    @Override
    public TfObject update(ApplyContext context) throws ResourceException {
        TfObject prior = context.prior().orElseThrow();
        long revision = prior.longValue("revision").orElse(0L) + 1;
        TfObject state = fill(context.planned(), context.config(), revision)
                .with("id", prior.requireString("id"))
                .with("created_at", prior.get("created_at"));
        save(state);
        return state;
    }

    /** Fills in what the server computes: defaults, disk serials, revision. */
    private static TfObject fill(TfObject planned, TfObject config, long revision) {
        TfObject state = planned.with("revision", revision).with("token_set", !config.isNull("bootstrap_token"));
        Optional<TfObject> network = planned.object("network");
        if (network.isPresent() && !network.get().isKnown("mtu")) {
            state = state.with("network", network.get().with("mtu", 1500L));
        }
        List<TfObject> disks = new ArrayList<>();
        for (TfObject disk : planned.objects("disk")) {
            disks.add(disk.with("serial", "DSK-" + disk.requireString("label").toUpperCase()));
        }
        state = state.with("disk", disks);
        Addressed a = ADDRESSED.read(state);
        List<Endpoint> endpoints = a.endpoints().orElse(List.of()).stream()
                .map(e -> new Endpoint(
                        e.name(), e.port(), Value.of("http://" + a.name() + ":" + e.port() + "/" + e.name())))
                .toList();
        return ADDRESSED.write(new Addressed(a.name(), a.endpoints().map(x -> endpoints)), state);
    }

    @Override
    public Optional<TfObject> read(ReadContext context) throws ResourceException {
        String id = context.state().requireString("id");
        try {
            Optional<String> json = provider.store().get(KIND, id);
            if (json.isEmpty()) {
                return Optional.empty();
            }
            CtyValue v = CtyJson.decode(json.get().getBytes(StandardCharsets.UTF_8), CtyType.DYNAMIC);
            return Optional.of(TfObject.of(context.state().block(), v));
        } catch (IOException e) {
            throw storeError(e);
        } catch (CtyDecodeException e) {
            throw new ResourceException(
                    "Corrupt server record", "The record of " + id + " cannot be read: " + e.getMessage());
        }
    }

    @Override
    public void delete(DeleteContext context) throws ResourceException {
        try {
            provider.store().delete(KIND, context.state().requireString("id"));
        } catch (IOException e) {
            throw storeError(e);
        }
    }

    @Override
    public TfObject importState(String id, TfObject emptyState, OperationContext context) throws ResourceException {
        if (!id.startsWith("srv-")) {
            throw new ResourceException("Invalid import id", "Server ids look like srv-<name>, got \"" + id + "\".");
        }
        return emptyState.with("id", id);
    }

    @Override
    public Map<Long, StateUpgrader> stateUpgraders() {
        Schema v0 = Schema.of(
                0,
                Block.builder()
                        .attribute(Attribute.string("id").computed())
                        .attribute(Attribute.string("name").required())
                        .attribute(Attribute.string("size").optional())
                        .attribute(Attribute.string("zone").optional())
                        .attribute(Attribute.string("labels").optional())
                        .build());
        return Map.of(0L, new StateUpgrader(v0, (old, current) -> {
            Map<String, String> tags = new LinkedHashMap<>();
            for (String pair : old.string("labels").orElse("").split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    tags.put(
                            pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
            return current.with("id", old.get("id"))
                    .with("name", old.get("name"))
                    .with("zone", old.get("zone"))
                    .with("size", new BigDecimal(old.string("size").orElse("1")))
                    .with("tags", tags.isEmpty() ? null : tags)
                    .with("token_set", false)
                    .with("revision", 0L);
        }));
    }

    private void save(TfObject state) throws ResourceException {
        try {
            provider.store()
                    .put(
                            KIND,
                            state.requireString("id"),
                            // Stored with its type, so the data source can read it without the resource's schema.
                            new String(CtyJson.encode(state.value(), CtyType.DYNAMIC), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw storeError(e);
        } catch (CtyEncodeException e) {
            throw new ResourceException("Cannot store server", e.getMessage());
        }
    }

    private static ResourceException storeError(IOException e) {
        return new ResourceException("Store not reachable", e.toString(), e);
    }
}
