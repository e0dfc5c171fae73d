package dev.tfjvm.schema;

import dev.tfjvm.cty.CtyType;

/** A block type that may appear inside another block ({@code disk { … }}). */
public record NestedBlock(String typeName, Block block, Nesting nesting, int minItems, int maxItems) {
    public CtyType impliedType() {
        CtyType.ObjectType object = block.impliedType();
        return switch (nesting) {
            case SINGLE, GROUP -> object;
            case LIST -> CtyType.list(object);
            case SET -> CtyType.set(object);
            case MAP -> CtyType.map(object);
        };
    }
}
