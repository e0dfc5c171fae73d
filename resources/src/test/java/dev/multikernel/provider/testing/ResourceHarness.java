package dev.multikernel.provider.testing;

import com.google.protobuf.ByteString;
import dev.tfjvm.cty.CtyMsgpack;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.proto.tfplugin6.Tfplugin6;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.server.ProviderService;
import dev.tfjvm.spi.ConfigureContext;
import dev.tfjvm.spi.Provider;
import dev.tfjvm.spi.Resource;
import dev.tfjvm.spi.TfObject;
import dev.tfjvm.testing.DirectCall;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One resource behind the bridge's real tfplugin6 service, driven RPC by RPC as Terraform drives
 * it (plan, apply, read, delete), without Terraform and without a host: the framework's plan
 * bookkeeping and its guard run as in production. Give the resource a {@link FakeHosts}.
 */
public final class ResourceHarness {

    /** One diagnostic as Terraform would show it; {@code path} is like {@code memory[0].numa_node}, or empty. */
    public record Diag(Tfplugin6.Diagnostic.Severity severity, String summary, String detail, String path) {
        public boolean isError() {
            return severity == Tfplugin6.Diagnostic.Severity.ERROR;
        }
    }

    /** A plan: the planned object (with unknowns), what forces replacement, and the diagnostics. */
    public record Plan(Optional<TfObject> planned, List<String> requiresReplace, List<Diag> diagnostics) {
        public TfObject value() {
            return planned.orElseThrow(() -> new AssertionError("no planned state: " + diagnostics));
        }

        public List<Diag> errors() {
            return diagnostics.stream().filter(Diag::isError).toList();
        }
    }

    /** The outcome of an apply or a read: the new state (empty when gone) and the diagnostics. */
    public record Result(Optional<TfObject> state, List<Diag> diagnostics) {
        public TfObject value() {
            return state.orElseThrow(() -> new AssertionError("no state: " + diagnostics));
        }

        public List<Diag> errors() {
            return diagnostics.stream().filter(Diag::isError).toList();
        }
    }

    private final Resource resource;
    private final ProviderService service;
    private final Block block;
    private final CtyType.ObjectType type;

    public ResourceHarness(Resource resource) {
        this.resource = resource;
        this.block = resource.schema().block();
        this.type = block.impliedType();
        this.service = new ProviderService(new Provider() {
            @Override
            public String typeName() {
                return "multikernel";
            }

            @Override
            public Schema schema() {
                return Schema.of(Block.empty());
            }

            @Override
            public void configure(ConfigureContext context) {}

            @Override
            public List<Resource> resources() {
                return List.of(resource);
            }
        });
    }

    /** An object of the resource's type, every attribute null: start a configuration with it. */
    public TfObject object() {
        return TfObject.empty(block);
    }

    /** Validates {@code config}, as {@code terraform validate} (and every plan) does first. */
    public List<Diag> validate(TfObject config) {
        Tfplugin6.ValidateResourceConfig.Response r = DirectCall.unary(
                service::validateResourceConfig,
                Tfplugin6.ValidateResourceConfig.Request.newBuilder()
                        .setTypeName(resource.typeName())
                        .setConfig(dv(config.value()))
                        .build());
        return diagnostics(r.getDiagnosticsList());
    }

    /** Plans {@code config} over {@code prior} (empty: create), as {@code terraform plan} does. */
    public Plan plan(Optional<TfObject> prior, TfObject config) {
        CtyValue priorValue = prior.<CtyValue>map(TfObject::value).orElse(CtyValue.nullOf(type));
        CtyValue proposed = proposed(block, prior.map(TfObject::value), config.value());
        Tfplugin6.PlanResourceChange.Response r = DirectCall.unary(
                service::planResourceChange,
                Tfplugin6.PlanResourceChange.Request.newBuilder()
                        .setTypeName(resource.typeName())
                        .setPriorState(dv(priorValue))
                        .setProposedNewState(dv(proposed))
                        .setConfig(dv(config.value()))
                        .build());
        return new Plan(
                decode(r.getPlannedState()),
                r.getRequiresReplaceList().stream().map(ResourceHarness::path).toList(),
                diagnostics(r.getDiagnosticsList()));
    }

    /** Applies a plan made by {@link #plan}. */
    public Result apply(Optional<TfObject> prior, TfObject planned, TfObject config) {
        CtyValue priorValue = prior.<CtyValue>map(TfObject::value).orElse(CtyValue.nullOf(type));
        Tfplugin6.ApplyResourceChange.Response r = DirectCall.unary(
                service::applyResourceChange,
                Tfplugin6.ApplyResourceChange.Request.newBuilder()
                        .setTypeName(resource.typeName())
                        .setPriorState(dv(priorValue))
                        .setPlannedState(dv(planned.value()))
                        .setConfig(dv(config.value()))
                        .build());
        return new Result(decode(r.getNewState()), diagnostics(r.getDiagnosticsList()));
    }

    /** Plans and applies {@code config}; fails the test when the plan has errors. */
    public Result planAndApply(Optional<TfObject> prior, TfObject config) {
        Plan plan = plan(prior, config);
        if (!plan.errors().isEmpty()) {
            throw new AssertionError("the plan failed: " + plan.diagnostics());
        }
        return apply(prior, plan.value(), config);
    }

    /** Destroys {@code prior}. */
    public Result delete(TfObject prior) {
        Tfplugin6.ApplyResourceChange.Response r = DirectCall.unary(
                service::applyResourceChange,
                Tfplugin6.ApplyResourceChange.Request.newBuilder()
                        .setTypeName(resource.typeName())
                        .setPriorState(dv(prior.value()))
                        .setPlannedState(dv(CtyValue.nullOf(type)))
                        .setConfig(dv(CtyValue.nullOf(type)))
                        .build());
        return new Result(decode(r.getNewState()), diagnostics(r.getDiagnosticsList()));
    }

    /** Refreshes {@code state}, as {@code terraform plan} does first. */
    public Result read(TfObject state) {
        Tfplugin6.ReadResource.Response r = DirectCall.unary(
                service::readResource,
                Tfplugin6.ReadResource.Request.newBuilder()
                        .setTypeName(resource.typeName())
                        .setCurrentState(dv(state.value()))
                        .build());
        return new Result(decode(r.getNewState()), diagnostics(r.getDiagnosticsList()));
    }

    /** Imports {@code id}: the imported object, read back. */
    public Result importState(String id) {
        Tfplugin6.ImportResourceState.Response r = DirectCall.unary(
                service::importResourceState,
                Tfplugin6.ImportResourceState.Request.newBuilder()
                        .setTypeName(resource.typeName())
                        .setId(id)
                        .build());
        List<Diag> diags = diagnostics(r.getDiagnosticsList());
        if (r.getImportedResourcesCount() == 0) {
            return new Result(Optional.empty(), diags);
        }
        Optional<TfObject> imported = decode(r.getImportedResources(0).getState());
        if (imported.isEmpty()) {
            return new Result(Optional.empty(), diags);
        }
        Result read = read(imported.get());
        List<Diag> all = new java.util.ArrayList<>(diags);
        all.addAll(read.diagnostics());
        return new Result(read.state(), all);
    }

    /**
     * Terraform's proposed new state: the configuration, with computed attributes the
     * configuration leaves null taken from the prior state (nested objects element by element).
     */
    private static CtyValue proposed(Block block, Optional<CtyValue> prior, CtyValue config) {
        if (prior.isEmpty()
                || prior.get().isNull()
                || !(config instanceof CtyValue.ObjectVal c)
                || !(prior.get() instanceof CtyValue.ObjectVal p)) {
            return config;
        }
        return merge(block.attributes(), p, c);
    }

    private static CtyValue merge(List<Attribute> attributes, CtyValue.ObjectVal prior, CtyValue.ObjectVal config) {
        Map<String, CtyValue> out = new HashMap<>(config.attributes());
        for (Attribute a : attributes) {
            CtyValue cv = config.attributes().get(a.name());
            CtyValue pv = prior.attributes().get(a.name());
            if (cv == null || pv == null) {
                continue;
            }
            if (a.computed() && cv.isNull()) {
                out.put(a.name(), pv);
            } else if (a.nested().isPresent()
                    && cv instanceof CtyValue.ListVal cl
                    && pv instanceof CtyValue.ListVal pl
                    && cl.elements().size() == pl.elements().size()) {
                List<CtyValue> merged = new java.util.ArrayList<>();
                for (int i = 0; i < cl.elements().size(); i++) {
                    if (cl.elements().get(i) instanceof CtyValue.ObjectVal ce
                            && pl.elements().get(i) instanceof CtyValue.ObjectVal pe) {
                        merged.add(merge(a.nested().get().attributes(), pe, ce));
                    } else {
                        merged.add(cl.elements().get(i));
                    }
                }
                out.put(a.name(), CtyValue.list(cl.type().element(), merged));
            }
        }
        return CtyValue.object(config.type(), out);
    }

    private Tfplugin6.DynamicValue dv(CtyValue v) {
        try {
            return Tfplugin6.DynamicValue.newBuilder()
                    .setMsgpack(ByteString.copyFrom(CtyMsgpack.encode(v, type)))
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<TfObject> decode(Tfplugin6.DynamicValue v) {
        if (v.getMsgpack().isEmpty()) {
            return Optional.empty();
        }
        try {
            return TfObject.ofNullable(block, CtyMsgpack.decode(v.getMsgpack().toByteArray(), type));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Diag> diagnostics(List<Tfplugin6.Diagnostic> list) {
        return list.stream()
                .map(d -> new Diag(
                        d.getSeverity(), d.getSummary(), d.getDetail(), d.hasAttribute() ? path(d.getAttribute()) : ""))
                .toList();
    }

    private static String path(Tfplugin6.AttributePath p) {
        return p.getStepsList().stream()
                .map(s -> switch (s.getSelectorCase()) {
                    case ATTRIBUTE_NAME -> "." + s.getAttributeName();
                    case ELEMENT_KEY_INT -> "[" + s.getElementKeyInt() + "]";
                    case ELEMENT_KEY_STRING -> "[\"" + s.getElementKeyString() + "\"]";
                    default -> "";
                })
                .collect(Collectors.joining())
                .replaceFirst("^\\.", "");
    }
}
