package dev.tfjvm.schema;

import dev.tfjvm.cty.CtyType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A block: the body of a resource, data source or provider, or of a nested block. */
public record Block(
        List<Attribute> attributes, List<NestedBlock> blocks, Description description, Deprecation deprecation) {

    public Block {
        attributes = List.copyOf(attributes);
        blocks = List.copyOf(blocks);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Block empty() {
        return new Block(List.of(), List.of(), Description.NONE, Deprecation.NONE);
    }

    public Optional<Attribute> attribute(String name) {
        return attributes.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    public Optional<NestedBlock> block(String typeName) {
        return blocks.stream().filter(b -> b.typeName().equals(typeName)).findFirst();
    }

    /** The object type of this block's values: one attribute per attribute and per block type. */
    public CtyType.ObjectType impliedType() {
        Map<String, CtyType> types = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            types.put(a.name(), a.type());
        }
        for (NestedBlock b : blocks) {
            types.put(b.typeName(), b.impliedType());
        }
        return CtyType.object(types);
    }

    public static final class Builder {
        private final List<Attribute> attributes = new ArrayList<>();
        private final List<NestedBlock> blocks = new ArrayList<>();
        private Description description = Description.NONE;
        private Deprecation deprecation = Deprecation.NONE;

        public Builder attribute(Attribute.Builder attribute) {
            attributes.add(attribute.build());
            return this;
        }

        public Builder attribute(Attribute attribute) {
            attributes.add(attribute);
            return this;
        }

        public Builder block(String typeName, Nesting nesting, Block block) {
            return block(typeName, nesting, block, 0, 0);
        }

        public Builder block(String typeName, Nesting nesting, Block block, int minItems, int maxItems) {
            blocks.add(new NestedBlock(typeName, block, nesting, minItems, maxItems));
            return this;
        }

        public Builder block(NestedBlock block) {
            blocks.add(block);
            return this;
        }

        public Builder description(String text) {
            description = Description.plain(text);
            return this;
        }

        public Builder markdownDescription(String text) {
            description = Description.markdown(text);
            return this;
        }

        public Builder deprecated(String message) {
            deprecation = Deprecation.of(message);
            return this;
        }

        public Block build() {
            return new Block(attributes, blocks, description, deprecation);
        }
    }
}
