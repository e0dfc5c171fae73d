package dev.tfjvm.schema;

/**
 * How nested attributes or blocks repeat. {@link #GROUP} exists only for blocks: a block that is
 * always present (its attributes null when the user wrote nothing).
 */
public enum Nesting {
    SINGLE,
    LIST,
    SET,
    MAP,
    GROUP
}
