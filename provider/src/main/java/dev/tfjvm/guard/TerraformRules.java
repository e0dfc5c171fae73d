package dev.tfjvm.guard;

import dev.tfjvm.cty.CtyConform;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.cty.CtyWalk;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.NestedAttributes;
import dev.tfjvm.schema.NestedBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rules Terraform checks on a provider's answers, checked here first. Terraform reports a
 * violation late and vaguely ("Provider produced inconsistent result after apply"); this guard
 * turns it into an error that names the resource type, the attribute and the rule, before the
 * answer leaves the provider. A violation is always a provider bug, and the message says so.
 */
public final class TerraformRules {
    private TerraformRules() {}

    /** PlanResourceChange: the planned object against the configuration and the prior state. */
    public static List<Diagnostic> checkPlan(
            String typeName, Block block, CtyValue prior, CtyValue config, CtyValue planned) {
        Checker c = new Checker(typeName, "plan");
        if (planned.isNull() || !planned.isKnown()) {
            c.fail(
                    CtyPath.ROOT,
                    "the planned object must be a known, non-null object unless the resource is destroyed",
                    "it was " + ValueText.of(planned, false));
            return c.problems;
        }
        c.conform(planned, block.impliedType());
        if (c.problems.isEmpty()) {
            c.plannedBlock(block, CtyPath.ROOT, prior, config, planned);
        }
        return c.problems;
    }

    /**
     * ApplyResourceChange: the new state against the plan. {@code destroyed} means the plan was a
     * delete, so the result must be null.
     */
    public static List<Diagnostic> checkApply(
            String typeName, Block block, CtyValue planned, CtyValue result, boolean destroyed) {
        Checker c = new Checker(typeName, "apply");
        if (destroyed) {
            if (!result.isNull()) {
                c.fail(CtyPath.ROOT, "the result of a delete must be null", "a non-null object was returned");
            }
            return c.problems;
        }
        if (result.isNull()) {
            c.fail(
                    CtyPath.ROOT,
                    "the result of a create or update must not be null",
                    "return the object's state, or fail with an error");
            return c.problems;
        }
        c.conform(result, block.impliedType());
        if (!c.problems.isEmpty()) {
            return c.problems;
        }
        c.whollyKnown(result);
        c.writeOnlyNull(block, CtyPath.ROOT, result);
        c.compatible(block, CtyPath.ROOT, planned, result);
        return c.problems;
    }

    /** ReadResource, ImportResourceState and UpgradeResourceState results: known, conforming, no write-only values. */
    public static List<Diagnostic> checkState(String typeName, String operation, Block block, CtyValue state) {
        Checker c = new Checker(typeName, operation);
        if (state.isNull()) {
            return c.problems;
        }
        c.conform(state, block.impliedType());
        if (!c.problems.isEmpty()) {
            return c.problems;
        }
        c.whollyKnown(state);
        c.writeOnlyNull(block, CtyPath.ROOT, state);
        return c.problems;
    }

    private static final class Checker {
        private final String typeName;
        private final String operation;
        private final List<Diagnostic> problems = new ArrayList<>();

        Checker(String typeName, String operation) {
            this.typeName = typeName;
            this.operation = operation;
        }

        void fail(CtyPath path, String rule, String what) {
            String where = path.isRoot() ? "" : " for attribute \"" + path + "\"";
            problems.add(Diagnostic.error(
                    path,
                    "Provider bug: invalid " + operation + " for " + typeName + where,
                    "Rule: " + rule + ". Here " + what + ". Terraform would reject this answer; please report it "
                            + "to the provider's developers."));
        }

        void conform(CtyValue v, CtyType type) {
            List<String> p = CtyConform.problems(v, type);
            if (!p.isEmpty()) {
                fail(CtyPath.ROOT, "the value must match the schema's type", String.join("; ", p));
            }
        }

        void whollyKnown(CtyValue v) {
            CtyWalk.walk(v, (path, inner) -> {
                if (!inner.isKnown()) {
                    fail(
                            path,
                            "values must be wholly known after " + operation,
                            "the value is still unknown (known after apply)");
                }
            });
        }

        void writeOnlyNull(Block block, CtyPath path, CtyValue obj) {
            if (!(obj instanceof CtyValue.ObjectVal o)) {
                return;
            }
            for (Attribute a : block.attributes()) {
                CtyValue v = o.get(a.name());
                if (a.writeOnly() && !v.isNull()) {
                    fail(
                            path.attr(a.name()),
                            "write-only attributes must be null outside the configuration",
                            "a value was returned");
                }
            }
            forEachBlockElement(block, path, obj, obj, (b, p, x, y) -> writeOnlyNull(b.block(), p, y));
        }

        // --- plan validity (what Terraform's AssertPlanValid enforces) ---

        void plannedBlock(Block block, CtyPath path, CtyValue prior, CtyValue config, CtyValue planned) {
            for (Attribute a : block.attributes()) {
                CtyPath p = path.attr(a.name());
                CtyValue pv = attr(planned, a.name());
                if (a.writeOnly()) {
                    // Configured, but never planned or stored.
                    if (!pv.isNull()) {
                        fail(p, "write-only attributes must be planned as null", "a value was planned");
                    }
                    continue;
                }
                plannedValue(a, p, attr(prior, a.name()), attr(config, a.name()), pv);
            }
            for (NestedBlock b : block.blocks()) {
                CtyPath p = path.attr(b.typeName());
                plannedNestedBlock(
                        b, p, attr(prior, b.typeName()), attr(config, b.typeName()), attr(planned, b.typeName()));
            }
        }

        private void plannedValue(Attribute a, CtyPath p, CtyValue prior, CtyValue config, CtyValue planned) {
            if (planned.equals(config)) {
                return;
            }
            if (!prior.isNull() && !config.isNull() && planned.equals(prior)) {
                return; // the provider kept the prior value as functionally equal to the config
            }
            if (a.computed() && !a.optional()) {
                return;
            }
            if (config.isNull() && a.computed()) {
                return;
            }
            if (config.isNull() && !planned.isNull()) {
                fail(
                        p,
                        "a non-computed attribute the configuration leaves null must be planned as null",
                        "it was planned as " + ValueText.of(planned, a.sensitive()));
                return;
            }
            if (a.nested().isPresent() && !planned.isNull() && planned.isKnown() && !config.isNull()) {
                plannedNestedAttributes(a.nested().get(), p, prior, config, planned);
                return;
            }
            fail(
                    p,
                    "an attribute must be planned as configured (or as its prior value when equivalent)",
                    "the configuration says " + ValueText.of(config, a.sensitive()) + " but the plan says "
                            + ValueText.of(planned, a.sensitive())
                            + (prior.isNull() ? "" : " (prior value " + ValueText.of(prior, a.sensitive()) + ")"));
        }

        private void plannedNestedAttributes(
                NestedAttributes n, CtyPath p, CtyValue prior, CtyValue config, CtyValue planned) {
            Block inner = new Block(
                    n.attributes(), List.of(), dev.tfjvm.schema.Description.NONE, dev.tfjvm.schema.Deprecation.NONE);
            switch (n.nesting()) {
                case SINGLE -> plannedBlock(inner, p, prior, config, planned);
                case LIST -> {
                    List<CtyValue> pl = ((CtyValue.ListVal) planned).elements();
                    List<CtyValue> cl = config instanceof CtyValue.ListVal l ? l.elements() : List.of();
                    List<CtyValue> prl = prior instanceof CtyValue.ListVal l ? l.elements() : List.of();
                    if (config.isKnown() && pl.size() != cl.size()) {
                        fail(
                                p,
                                "nested attribute lists must have as many elements as configured",
                                "configured " + cl.size() + ", planned " + pl.size());
                        return;
                    }
                    for (int i = 0; i < pl.size() && i < cl.size(); i++) {
                        plannedBlock(
                                inner,
                                p.index(i),
                                i < prl.size() ? prl.get(i) : CtyValue.nullOf(inner.impliedType()),
                                cl.get(i),
                                pl.get(i));
                    }
                }
                case MAP -> {
                    Map<String, CtyValue> pm = ((CtyValue.MapVal) planned).entries();
                    Map<String, CtyValue> cm = config instanceof CtyValue.MapVal m ? m.entries() : Map.of();
                    Map<String, CtyValue> prm = prior instanceof CtyValue.MapVal m ? m.entries() : Map.of();
                    if (config.isKnown() && !pm.keySet().equals(cm.keySet())) {
                        fail(
                                p,
                                "nested attribute maps must have the configured keys",
                                "configured " + cm.keySet() + ", planned " + pm.keySet());
                        return;
                    }
                    pm.forEach((k, v) -> plannedBlock(
                            inner,
                            p.key(k),
                            prm.getOrDefault(k, CtyValue.nullOf(inner.impliedType())),
                            cm.getOrDefault(k, CtyValue.nullOf(inner.impliedType())),
                            v));
                }
                case SET -> {
                    int pc = ((CtyValue.SetVal) planned).elements().size();
                    if (config instanceof CtyValue.SetVal cs
                            && config.isWhollyKnown()
                            && planned.isWhollyKnown()
                            && cs.elements().size() != pc) {
                        fail(
                                p,
                                "nested attribute sets must have as many elements as configured",
                                "configured " + cs.elements().size() + ", planned " + pc);
                    }
                }
                case GROUP -> {}
            }
        }

        private void plannedNestedBlock(NestedBlock b, CtyPath p, CtyValue prior, CtyValue config, CtyValue planned) {
            switch (b.nesting()) {
                case SINGLE, GROUP -> {
                    if (!planned.isKnown()) {
                        fail(
                                p,
                                "a nested block may not be planned as unknown (only its attributes may)",
                                "the whole block was unknown");
                    } else if (b.nesting() == dev.tfjvm.schema.Nesting.SINGLE && config.isNull() && !planned.isNull()) {
                        fail(
                                p,
                                "a block absent from the configuration must be planned as absent",
                                "the plan contains it");
                    } else if (!config.isNull() && planned.isNull()) {
                        fail(p, "a configured block must be present in the plan", "the plan left it out");
                    } else if (!planned.isNull()) {
                        plannedBlock(b.block(), p, prior, config, planned);
                    }
                }
                case LIST, SET, MAP -> {
                    if (planned.isNull()) {
                        fail(
                                p,
                                "a collection of nested blocks must be empty, not null, when there are none",
                                "it was planned as null");
                        return;
                    }
                    if (!planned.isKnown()) {
                        fail(p, "a collection of nested blocks may not be planned as unknown", "it was unknown");
                        return;
                    }
                    if (b.nesting() == dev.tfjvm.schema.Nesting.SET) {
                        int pc = ((CtyValue.SetVal) planned).elements().size();
                        if (config instanceof CtyValue.SetVal cs
                                && config.isWhollyKnown()
                                && planned.isWhollyKnown()
                                && cs.elements().size() != pc) {
                            fail(
                                    p,
                                    "the plan must have as many blocks as the configuration",
                                    "configured " + cs.elements().size() + ", planned " + pc);
                        }
                        return;
                    }
                    plannedBlockElements(b, p, config, planned, prior);
                }
            }
        }

        private void plannedBlockElements(NestedBlock b, CtyPath p, CtyValue config, CtyValue planned, CtyValue prior) {
            if (b.nesting() == dev.tfjvm.schema.Nesting.LIST) {
                List<CtyValue> pl = ((CtyValue.ListVal) planned).elements();
                List<CtyValue> cl = config instanceof CtyValue.ListVal l ? l.elements() : List.of();
                List<CtyValue> prl = prior instanceof CtyValue.ListVal l ? l.elements() : List.of();
                if (config.isKnown() && pl.size() != cl.size()) {
                    fail(
                            p,
                            "the plan must have as many blocks as the configuration",
                            "configured " + cl.size() + ", planned " + pl.size());
                    return;
                }
                CtyValue none = CtyValue.nullOf(b.block().impliedType());
                for (int i = 0; i < pl.size() && i < cl.size(); i++) {
                    plannedBlock(b.block(), p.index(i), i < prl.size() ? prl.get(i) : none, cl.get(i), pl.get(i));
                }
            } else {
                Map<String, CtyValue> pm = ((CtyValue.MapVal) planned).entries();
                Map<String, CtyValue> cm = config instanceof CtyValue.MapVal m ? m.entries() : Map.of();
                Map<String, CtyValue> prm = prior instanceof CtyValue.MapVal m ? m.entries() : Map.of();
                if (config.isKnown() && !pm.keySet().equals(cm.keySet())) {
                    fail(
                            p,
                            "the plan must have the configured block keys",
                            "configured " + cm.keySet() + ", planned " + pm.keySet());
                    return;
                }
                CtyValue none = CtyValue.nullOf(b.block().impliedType());
                pm.forEach((k, v) ->
                        plannedBlock(b.block(), p.key(k), prm.getOrDefault(k, none), cm.getOrDefault(k, none), v));
            }
        }

        // --- apply compatibility (what Terraform's AssertObjectCompatible enforces) ---

        void compatible(Block block, CtyPath path, CtyValue planned, CtyValue actual) {
            if (!planned.isKnown() || planned.isNull() || actual.isNull()) {
                if (planned.isNull() && !actual.isNull()) {
                    fail(path, "a block planned as absent must stay absent", "it now exists");
                }
                return;
            }
            for (Attribute a : block.attributes()) {
                CtyPath p = path.attr(a.name());
                CtyValue pv = attr(planned, a.name());
                CtyValue av = attr(actual, a.name());
                compatibleValue(p, a.sensitive(), a.computed(), pv, av);
            }
            for (NestedBlock b : block.blocks()) {
                CtyPath p = path.attr(b.typeName());
                CtyValue pv = attr(planned, b.typeName());
                CtyValue av = attr(actual, b.typeName());
                if (!pv.isWhollyKnown()) {
                    if (b.nesting() == dev.tfjvm.schema.Nesting.SINGLE
                            || b.nesting() == dev.tfjvm.schema.Nesting.GROUP) {
                        compatible(b.block(), p, pv, av);
                    } else if (pv instanceof CtyValue.ListVal pl && av instanceof CtyValue.ListVal al) {
                        if (pl.elements().size() != al.elements().size()) {
                            fail(
                                    p,
                                    "the number of blocks must stay as planned",
                                    "planned " + pl.elements().size() + ", now "
                                            + al.elements().size());
                        } else {
                            for (int i = 0; i < pl.elements().size(); i++) {
                                compatible(
                                        b.block(),
                                        p.index(i),
                                        pl.elements().get(i),
                                        al.elements().get(i));
                            }
                        }
                    } else if (pv instanceof CtyValue.SetVal ps
                            && av instanceof CtyValue.SetVal as
                            && ps.elements().size() != as.elements().size()) {
                        fail(
                                p,
                                "the number of blocks must stay as planned",
                                "planned " + ps.elements().size() + ", now "
                                        + as.elements().size());
                    }
                    continue;
                }
                if (!pv.equals(av)) {
                    fail(
                            p,
                            "every value known at plan time must be unchanged after apply",
                            "planned " + ValueText.of(pv, false) + ", now " + ValueText.of(av, false));
                }
            }
        }

        private void compatibleValue(
                CtyPath p, boolean sensitive, boolean computed, CtyValue planned, CtyValue actual) {
            if (!planned.isKnown()) {
                if (planned instanceof CtyValue.Unknown u
                        && u.refinements().notNull().orElse(false)
                        && actual.isNull()) {
                    fail(p, "a value planned as \"not null\" must not be null after apply", "it is null");
                }
                return;
            }
            if (planned.isWhollyKnown()) {
                if (!planned.equals(actual)) {
                    if (planned.isNull() && computed) {
                        fail(
                                p,
                                "a computed attribute that the provider sets during apply must be planned as unknown"
                                        + " (it was planned as null)",
                                "it is now " + ValueText.of(actual, sensitive));
                    } else {
                        fail(
                                p,
                                "every value known at plan time must be unchanged after apply",
                                "planned " + ValueText.of(planned, sensitive) + ", now "
                                        + ValueText.of(actual, sensitive));
                    }
                }
                return;
            }
            // partly known collections: compare shape and the known parts
            if (planned instanceof CtyValue.ListVal pl && actual instanceof CtyValue.ListVal al) {
                if (pl.elements().size() != al.elements().size()) {
                    fail(
                            p,
                            "a list's length must stay as planned",
                            "planned " + pl.elements().size() + " elements, now "
                                    + al.elements().size());
                    return;
                }
                for (int i = 0; i < pl.elements().size(); i++) {
                    compatibleValue(
                            p.index(i),
                            sensitive,
                            computed,
                            pl.elements().get(i),
                            al.elements().get(i));
                }
            } else if (planned instanceof CtyValue.MapVal pm && actual instanceof CtyValue.MapVal am) {
                for (Map.Entry<String, CtyValue> e : pm.entries().entrySet()) {
                    CtyValue a = am.entries().get(e.getKey());
                    if (a == null) {
                        fail(p.key(e.getKey()), "a planned map key must still exist after apply", "it is gone");
                    } else {
                        compatibleValue(p.key(e.getKey()), sensitive, computed, e.getValue(), a);
                    }
                }
            } else if (planned instanceof CtyValue.ObjectVal po && actual instanceof CtyValue.ObjectVal ao) {
                for (String k : po.attributes().keySet()) {
                    compatibleValue(p.attr(k), sensitive, computed, po.get(k), ao.get(k));
                }
            } else if (planned instanceof CtyValue.SetVal ps
                    && actual instanceof CtyValue.SetVal as
                    && ps.elements().size() > as.elements().size()) {
                fail(
                        p,
                        "a set may not lose elements planned for it",
                        "planned " + ps.elements().size() + ", now "
                                + as.elements().size());
            }
        }

        private interface BlockElementVisitor {
            void visit(NestedBlock b, CtyPath p, CtyValue first, CtyValue second);
        }

        private void forEachBlockElement(Block block, CtyPath path, CtyValue a, CtyValue b, BlockElementVisitor v) {
            for (NestedBlock nb : block.blocks()) {
                CtyPath p = path.attr(nb.typeName());
                CtyValue av = attr(a, nb.typeName());
                CtyValue bv = attr(b, nb.typeName());
                if (bv.isNull() || !bv.isKnown()) {
                    continue;
                }
                if (bv instanceof CtyValue.ObjectVal) {
                    v.visit(nb, p, av, bv);
                } else if (bv instanceof CtyValue.ListVal l) {
                    for (int i = 0; i < l.elements().size(); i++) {
                        v.visit(
                                nb,
                                p.index(i),
                                l.elements().get(i),
                                l.elements().get(i));
                    }
                } else if (bv instanceof CtyValue.SetVal s) {
                    for (CtyValue e : s.elements()) {
                        v.visit(nb, p, e, e);
                    }
                } else if (bv instanceof CtyValue.MapVal m) {
                    m.entries().forEach((k, e) -> v.visit(nb, p.key(k), e, e));
                }
            }
        }

        private static CtyValue attr(CtyValue obj, String name) {
            if (obj instanceof CtyValue.ObjectVal o) {
                return Objects.requireNonNullElseGet(
                        o.attributes().get(name),
                        () -> CtyValue.nullOf(o.type().attributes().get(name)));
            }
            if (obj instanceof CtyValue.Null n
                    && n.type() instanceof CtyType.ObjectType t
                    && t.attributes().containsKey(name)) {
                return CtyValue.nullOf(t.attributes().get(name));
            }
            if (obj instanceof CtyValue.Unknown u
                    && u.type() instanceof CtyType.ObjectType t
                    && t.attributes().containsKey(name)) {
                return CtyValue.unknown(t.attributes().get(name));
            }
            return CtyValue.nullOf(CtyType.DYNAMIC);
        }
    }
}
