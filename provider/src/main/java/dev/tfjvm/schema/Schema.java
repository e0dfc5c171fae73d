package dev.tfjvm.schema;

import dev.tfjvm.cty.CtyType;

/**
 * The schema of a provider configuration, resource or data source: a version (for state
 * upgrades) and the top-level block.
 */
public record Schema(long version, Block block) {
    public static Schema of(Block block) {
        return new Schema(0, block);
    }

    public static Schema of(long version, Block block) {
        return new Schema(version, block);
    }

    public CtyType.ObjectType impliedType() {
        return block.impliedType();
    }
}
