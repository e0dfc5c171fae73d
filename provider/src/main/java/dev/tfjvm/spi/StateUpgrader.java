package dev.tfjvm.spi;

import dev.tfjvm.schema.Schema;

/**
 * Turns state written by an older schema version straight into the current version. One upgrader
 * per old version; {@code priorSchema} describes how state looked then, so the old JSON can be read.
 */
public record StateUpgrader(Schema priorSchema, Upgrade upgrade) {

    @FunctionalInterface
    public interface Upgrade {
        /** {@code old} has {@code priorSchema}'s shape; return an object of the current schema. */
        TfObject apply(TfObject old, TfObject emptyCurrent) throws ResourceException;
    }
}
