package dev.tfjvm.schema;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One attribute of a block. Either a plain typed attribute or, with {@link #nested()}, an
 * attribute whose value is made of nested attributes (Terraform's "nested attribute types").
 *
 * <p>Build with the static starters: {@code Attribute.string("name").required().description("…")}.
 */
public record Attribute(
        String name,
        CtyType type,
        Optional<NestedAttributes> nested,
        Description description,
        boolean required,
        boolean optional,
        boolean computed,
        boolean sensitive,
        boolean writeOnly,
        Deprecation deprecation,
        List<Validator> validators,
        List<PlanModifier> planModifiers,
        Optional<CtyValue> defaultValue) {

    public Attribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        validators = List.copyOf(validators);
        planModifiers = List.copyOf(planModifiers);
    }

    public static Builder string(String name) {
        return new Builder(name, CtyType.STRING);
    }

    public static Builder number(String name) {
        return new Builder(name, CtyType.NUMBER);
    }

    public static Builder bool(String name) {
        return new Builder(name, CtyType.BOOL);
    }

    public static Builder of(String name, CtyType type) {
        return new Builder(name, type);
    }

    /** An attribute whose value is built from nested attributes, nested as {@code nesting}. */
    public static Builder nested(String name, Nesting nesting, List<Attribute> attributes) {
        NestedAttributes n = new NestedAttributes(nesting, attributes);
        Builder b = new Builder(name, n.impliedType());
        b.nested = Optional.of(n);
        return b;
    }

    public static Builder nested(String name, Nesting nesting, Builder... attributes) {
        List<Attribute> built = new ArrayList<>();
        for (Builder a : attributes) {
            built.add(a.build());
        }
        return nested(name, nesting, built);
    }

    /** Fluent, single-use builder. */
    public static final class Builder {
        private final String name;
        private final CtyType type;
        private Optional<NestedAttributes> nested = Optional.empty();
        private Description description = Description.NONE;
        private boolean required;
        private boolean optional;
        private boolean computed;
        private boolean sensitive;
        private boolean writeOnly;
        private Deprecation deprecation = Deprecation.NONE;
        private final List<Validator> validators = new ArrayList<>();
        private final List<PlanModifier> planModifiers = new ArrayList<>();
        private Optional<CtyValue> defaultValue = Optional.empty();

        private Builder(String name, CtyType type) {
            this.name = name;
            this.type = type;
        }

        public Builder required() {
            this.required = true;
            return this;
        }

        public Builder optional() {
            this.optional = true;
            return this;
        }

        public Builder computed() {
            this.computed = true;
            return this;
        }

        public Builder sensitive() {
            this.sensitive = true;
            return this;
        }

        /** Never stored: the value is available only in configuration during plan and apply. */
        public Builder writeOnly() {
            this.writeOnly = true;
            return this;
        }

        public Builder description(String text) {
            this.description = Description.plain(text);
            return this;
        }

        public Builder markdownDescription(String text) {
            this.description = Description.markdown(text);
            return this;
        }

        public Builder deprecated(String message) {
            this.deprecation = Deprecation.of(message);
            return this;
        }

        public Builder validators(Validator... v) {
            validators.addAll(List.of(v));
            return this;
        }

        public Builder planModifiers(PlanModifier... m) {
            planModifiers.addAll(List.of(m));
            return this;
        }

        /** Value planned when the configuration leaves the attribute null. Needs optional + computed. */
        public Builder defaultValue(CtyValue value) {
            this.defaultValue = Optional.of(value);
            return this;
        }

        public Attribute build() {
            return new Attribute(
                    name,
                    type,
                    nested,
                    description,
                    required,
                    optional,
                    computed,
                    sensitive,
                    writeOnly,
                    deprecation,
                    validators,
                    planModifiers,
                    defaultValue);
        }
    }
}
