package dev.tfjvm.server;

import com.google.protobuf.ByteString;
import dev.tfjvm.cty.CtyDecodeException;
import dev.tfjvm.cty.CtyEncodeException;
import dev.tfjvm.cty.CtyJson;
import dev.tfjvm.cty.CtyMsgpack;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.diag.Severity;
import dev.tfjvm.proto.tfplugin6.Tfplugin6;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Description;
import dev.tfjvm.schema.DescriptionKind;
import dev.tfjvm.schema.NestedAttributes;
import dev.tfjvm.schema.NestedBlock;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.spi.ProviderFunction;
import java.util.List;

/** Conversions between the protocol's messages and the bridge's values. Nothing past this class sees protobuf. */
final class Wire {
    private Wire() {}

    /** Decodes a DynamicValue; both fields empty means null (as Terraform and OpenTofu send it). */
    static CtyValue decode(Tfplugin6.DynamicValue dv, CtyType type) throws CtyDecodeException {
        if (!dv.getMsgpack().isEmpty()) {
            return CtyMsgpack.decode(dv.getMsgpack().toByteArray(), type);
        }
        if (!dv.getJson().isEmpty()) {
            return CtyJson.decode(dv.getJson().toByteArray(), type);
        }
        return CtyValue.nullOf(type);
    }

    /** Always msgpack: Terraform does not consistently accept JSON answers, and JSON cannot carry unknowns. */
    static Tfplugin6.DynamicValue encode(CtyValue value, CtyType type) throws CtyEncodeException {
        return Tfplugin6.DynamicValue.newBuilder()
                .setMsgpack(ByteString.copyFrom(CtyMsgpack.encode(value, type)))
                .build();
    }

    static Tfplugin6.Diagnostic diagnostic(Diagnostic d) {
        Tfplugin6.Diagnostic.Builder b = Tfplugin6.Diagnostic.newBuilder()
                .setSeverity(
                        d.severity() == Severity.ERROR
                                ? Tfplugin6.Diagnostic.Severity.ERROR
                                : Tfplugin6.Diagnostic.Severity.WARNING)
                .setSummary(d.summary())
                .setDetail(d.detail());
        d.path().filter(p -> !p.isRoot()).ifPresent(p -> b.setAttribute(path(p)));
        return b.build();
    }

    static List<Tfplugin6.Diagnostic> diagnostics(List<Diagnostic> ds) {
        return ds.stream().map(Wire::diagnostic).toList();
    }

    static Tfplugin6.AttributePath path(CtyPath p) {
        Tfplugin6.AttributePath.Builder b = Tfplugin6.AttributePath.newBuilder();
        for (CtyPath.Step s : p.steps()) {
            Tfplugin6.AttributePath.Step.Builder step = Tfplugin6.AttributePath.Step.newBuilder();
            if (s instanceof CtyPath.AttributeName a) {
                step.setAttributeName(a.name());
            } else if (s instanceof CtyPath.ElementKeyString k) {
                step.setElementKeyString(k.key());
            } else if (s instanceof CtyPath.ElementKeyInt i) {
                step.setElementKeyInt(i.index());
            }
            b.addSteps(step);
        }
        return b.build();
    }

    static Tfplugin6.Schema schema(Schema s) {
        return Tfplugin6.Schema.newBuilder()
                .setVersion(s.version())
                .setBlock(block(s.block()))
                .build();
    }

    private static Tfplugin6.StringKind kind(Description d) {
        return d.kind() == DescriptionKind.MARKDOWN ? Tfplugin6.StringKind.MARKDOWN : Tfplugin6.StringKind.PLAIN;
    }

    static Tfplugin6.Schema.Block block(Block block) {
        Tfplugin6.Schema.Block.Builder b = Tfplugin6.Schema.Block.newBuilder()
                .setDescription(block.description().text())
                .setDescriptionKind(kind(block.description()))
                .setDeprecated(block.deprecation().deprecated());
        for (Attribute a : block.attributes()) {
            b.addAttributes(attribute(a));
        }
        for (NestedBlock nb : block.blocks()) {
            b.addBlockTypes(Tfplugin6.Schema.NestedBlock.newBuilder()
                    .setTypeName(nb.typeName())
                    .setBlock(block(nb.block()))
                    .setNesting(
                            switch (nb.nesting()) {
                                case SINGLE -> Tfplugin6.Schema.NestedBlock.NestingMode.SINGLE;
                                case LIST -> Tfplugin6.Schema.NestedBlock.NestingMode.LIST;
                                case SET -> Tfplugin6.Schema.NestedBlock.NestingMode.SET;
                                case MAP -> Tfplugin6.Schema.NestedBlock.NestingMode.MAP;
                                case GROUP -> Tfplugin6.Schema.NestedBlock.NestingMode.GROUP;
                            })
                    .setMinItems(nb.minItems())
                    .setMaxItems(nb.maxItems()));
        }
        return b.build();
    }

    private static Tfplugin6.Schema.Attribute attribute(Attribute a) {
        Tfplugin6.Schema.Attribute.Builder b = Tfplugin6.Schema.Attribute.newBuilder()
                .setName(a.name())
                .setDescription(a.description().text())
                .setDescriptionKind(kind(a.description()))
                .setRequired(a.required())
                .setOptional(a.optional())
                .setComputed(a.computed())
                .setSensitive(a.sensitive())
                .setWriteOnly(a.writeOnly())
                .setDeprecated(a.deprecation().deprecated());
        if (a.nested().isPresent()) {
            NestedAttributes n = a.nested().get();
            Tfplugin6.Schema.Object.Builder o = Tfplugin6.Schema.Object.newBuilder()
                    .setNesting(
                            switch (n.nesting()) {
                                case SINGLE -> Tfplugin6.Schema.Object.NestingMode.SINGLE;
                                case LIST -> Tfplugin6.Schema.Object.NestingMode.LIST;
                                case SET -> Tfplugin6.Schema.Object.NestingMode.SET;
                                case MAP -> Tfplugin6.Schema.Object.NestingMode.MAP;
                                case GROUP -> throw new IllegalStateException("GROUP is not a nested attribute mode");
                            });
            for (Attribute inner : n.attributes()) {
                o.addAttributes(attribute(inner));
            }
            b.setNestedType(o);
        } else {
            b.setType(ByteString.copyFrom(a.type().toJson()));
        }
        return b.build();
    }

    static Tfplugin6.Function function(ProviderFunction f) {
        Tfplugin6.Function.Builder b = Tfplugin6.Function.newBuilder()
                .setSummary(f.summary())
                .setDescription(f.description().text())
                .setDescriptionKind(kind(f.description()))
                .setReturn(Tfplugin6.Function.Return.newBuilder()
                        .setType(ByteString.copyFrom(f.returnType().toJson())));
        for (ProviderFunction.Parameter p : f.parameters()) {
            b.addParameters(parameter(p));
        }
        f.variadicParameter().ifPresent(p -> b.setVariadicParameter(parameter(p)));
        return b.build();
    }

    private static Tfplugin6.Function.Parameter parameter(ProviderFunction.Parameter p) {
        return Tfplugin6.Function.Parameter.newBuilder()
                .setName(p.name())
                .setType(ByteString.copyFrom(p.type().toJson()))
                .setAllowNullValue(p.allowNull())
                .setAllowUnknownValues(p.allowUnknown())
                .setDescription(p.description().text())
                .setDescriptionKind(kind(p.description()))
                .build();
    }
}
