package dev.tfjvm.schema;

import java.util.Optional;

/** Whether a schema element is deprecated, and what to tell users instead. */
public record Deprecation(boolean deprecated, Optional<String> message) {
    public static final Deprecation NONE = new Deprecation(false, Optional.empty());

    public static Deprecation of(String message) {
        return new Deprecation(true, Optional.ofNullable(message).filter(m -> !m.isBlank()));
    }
}
