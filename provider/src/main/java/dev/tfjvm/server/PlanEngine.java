package dev.tfjvm.server;

import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Deprecation;
import dev.tfjvm.schema.Description;
import dev.tfjvm.schema.NestedAttributes;
import dev.tfjvm.schema.NestedBlock;
import dev.tfjvm.schema.PlanModifier;
import dev.tfjvm.schema.PlanModifierContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The framework's part of planning, before the resource's own {@code modifyPlan}: write-only
 * values dropped, defaults filled in, computed values the provider will set marked unknown, and
 * every attribute's plan modifiers run (collecting requires-replace paths).
 *
 * <p>Computed attributes the configuration leaves null become unknown on create, and on update
 * only when something else changes, so an unchanged resource plans no diff.
 */
final class PlanEngine {
    private final List<CtyPath> requiresReplace = new ArrayList<>();
    private final boolean create;
    private boolean changed;

    private PlanEngine(boolean create) {
        this.create = create;
    }

    record Result(CtyValue planned, List<CtyPath> requiresReplace) {}

    static Result plan(Block block, CtyValue prior, CtyValue config, CtyValue proposed) {
        PlanEngine engine = new PlanEngine(prior.isNull());
        CtyValue withoutWriteOnly = dropWriteOnly(block, proposed);
        engine.changed = !prior.isNull() && !withoutWriteOnly.equals(prior);
        CtyValue planned = engine.block(block, CtyPath.ROOT, prior, config, withoutWriteOnly);
        return new Result(planned, List.copyOf(engine.requiresReplace));
    }

    /** The same object with every write-only attribute null: they are never planned nor stored. */
    static CtyValue dropWriteOnly(Block block, CtyValue obj) {
        if (!(obj instanceof CtyValue.ObjectVal o)) {
            return obj;
        }
        Map<String, CtyValue> attrs = new LinkedHashMap<>(o.attributes());
        for (Attribute a : block.attributes()) {
            if (a.writeOnly()) {
                attrs.put(a.name(), CtyValue.nullOf(a.type()));
            }
        }
        for (NestedBlock b : block.blocks()) {
            attrs.put(b.typeName(), mapElements(attrs.get(b.typeName()), e -> dropWriteOnly(b.block(), e)));
        }
        return CtyValue.object(o.type(), attrs);
    }

    private CtyValue block(Block block, CtyPath path, CtyValue prior, CtyValue config, CtyValue planned) {
        if (!(planned instanceof CtyValue.ObjectVal o)) {
            return planned;
        }
        Map<String, CtyValue> attrs = new LinkedHashMap<>(o.attributes());
        for (Attribute a : block.attributes()) {
            CtyPath p = path.attr(a.name());
            attrs.put(a.name(), attribute(a, p, field(prior, a.name()), field(config, a.name()), attrs.get(a.name())));
        }
        for (NestedBlock b : block.blocks()) {
            CtyPath p = path.attr(b.typeName());
            attrs.put(
                    b.typeName(),
                    nested(
                            b.block(),
                            p,
                            field(prior, b.typeName()),
                            field(config, b.typeName()),
                            attrs.get(b.typeName())));
        }
        return CtyValue.object(o.type(), attrs);
    }

    private CtyValue attribute(Attribute a, CtyPath p, CtyValue prior, CtyValue config, CtyValue planned) {
        CtyValue value = planned;
        if (a.writeOnly()) {
            return CtyValue.nullOf(a.type());
        }
        if (config.isNull() && a.defaultValue().isPresent()) {
            value = a.defaultValue().get();
        } else if (a.computed() && config.isNull() && (create || changed)) {
            value = CtyValue.unknown(a.type());
        }
        if (a.nested().isPresent() && value.isKnown() && !value.isNull()) {
            NestedAttributes n = a.nested().get();
            Block inner = new Block(n.attributes(), List.of(), Description.NONE, Deprecation.NONE);
            value = nested(inner, p, prior, config, value);
        }
        for (PlanModifier m : a.planModifiers()) {
            ModifierContext ctx = new ModifierContext(p, config, create ? Optional.empty() : Optional.of(prior), value);
            m.modify(ctx);
            value = ctx.planned;
            if (ctx.replace && !requiresReplace.contains(p)) {
                requiresReplace.add(p);
            }
        }
        return value;
    }

    /** Applies {@link #block} to each element of a nested block or nested attribute value, aligned with config and prior. */
    private CtyValue nested(Block inner, CtyPath p, CtyValue prior, CtyValue config, CtyValue planned) {
        if (planned == null || planned.isNull() || !planned.isKnown()) {
            return planned;
        }
        if (planned instanceof CtyValue.ObjectVal) {
            return block(inner, p, prior, config, planned);
        }
        if (planned instanceof CtyValue.ListVal l) {
            List<CtyValue> out = new ArrayList<>();
            for (int i = 0; i < l.elements().size(); i++) {
                out.add(block(
                        inner,
                        p.index(i),
                        element(prior, i),
                        element(config, i),
                        l.elements().get(i)));
            }
            return CtyValue.list(l.type().element(), out);
        }
        if (planned instanceof CtyValue.MapVal m) {
            Map<String, CtyValue> out = new LinkedHashMap<>();
            m.entries().forEach((k, v) -> out.put(k, block(inner, p.key(k), entry(prior, k), entry(config, k), v)));
            return CtyValue.map(m.type().element(), out);
        }
        if (planned instanceof CtyValue.SetVal s) {
            // Set elements cannot be correlated with prior ones; each is planned as new.
            List<CtyValue> out = new ArrayList<>();
            for (CtyValue e : s.elements()) {
                out.add(block(inner, p, CtyValue.nullOf(e.type()), e, e));
            }
            return CtyValue.set(s.type().element(), out);
        }
        return planned;
    }

    private static CtyValue mapElements(CtyValue v, java.util.function.UnaryOperator<CtyValue> f) {
        if (v == null || v.isNull() || !v.isKnown()) {
            return v;
        }
        if (v instanceof CtyValue.ObjectVal) {
            return f.apply(v);
        }
        if (v instanceof CtyValue.ListVal l) {
            return CtyValue.list(
                    l.type().element(), l.elements().stream().map(f).toList());
        }
        if (v instanceof CtyValue.SetVal s) {
            return CtyValue.set(s.type().element(), s.elements().stream().map(f).toList());
        }
        if (v instanceof CtyValue.MapVal m) {
            Map<String, CtyValue> out = new LinkedHashMap<>();
            m.entries().forEach((k, e) -> out.put(k, f.apply(e)));
            return CtyValue.map(m.type().element(), out);
        }
        return v;
    }

    private static CtyValue field(CtyValue obj, String name) {
        if (obj instanceof CtyValue.ObjectVal o) {
            return o.get(name);
        }
        CtyType t =
                obj.type() instanceof CtyType.ObjectType ot ? ot.attributes().get(name) : CtyType.DYNAMIC;
        return CtyValue.nullOf(t == null ? CtyType.DYNAMIC : t);
    }

    private static CtyValue element(CtyValue list, int i) {
        if (list instanceof CtyValue.ListVal l && i < l.elements().size()) {
            return l.elements().get(i);
        }
        return CtyValue.nullOf(CtyType.DYNAMIC);
    }

    private static CtyValue entry(CtyValue map, String k) {
        if (map instanceof CtyValue.MapVal m && m.entries().containsKey(k)) {
            return m.entries().get(k);
        }
        return CtyValue.nullOf(CtyType.DYNAMIC);
    }

    private static final class ModifierContext implements PlanModifierContext {
        private final CtyPath path;
        private final CtyValue config;
        private final Optional<CtyValue> prior;
        private CtyValue planned;
        private boolean replace;

        ModifierContext(CtyPath path, CtyValue config, Optional<CtyValue> prior, CtyValue planned) {
            this.path = path;
            this.config = config;
            this.prior = prior;
            this.planned = planned;
        }

        @Override
        public CtyPath path() {
            return path;
        }

        @Override
        public CtyValue config() {
            return config;
        }

        @Override
        public Optional<CtyValue> prior() {
            return prior;
        }

        @Override
        public CtyValue planned() {
            return planned;
        }

        @Override
        public void setPlanned(CtyValue value) {
            this.planned = value;
        }

        @Override
        public void requireReplace() {
            this.replace = true;
        }
    }
}
