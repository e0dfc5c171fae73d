package dev.tfjvm.log;

import java.util.Locale;
import java.util.Optional;

/** hclog severity levels, lowest first. */
public enum Level {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR;

    /** The name hclog writes in {@code @level}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when a message at this level passes the given threshold. */
    public boolean passes(Level threshold) {
        return compareTo(threshold) >= 0;
    }

    /** Parses TRACE/DEBUG/INFO/WARN/ERROR in any case; WARNING is accepted for WARN. */
    public static Optional<Level> parse(String text) {
        String upper = text.trim().toUpperCase(Locale.ROOT);
        return switch (upper) {
            case "TRACE" -> Optional.of(TRACE);
            case "DEBUG" -> Optional.of(DEBUG);
            case "INFO" -> Optional.of(INFO);
            case "WARN", "WARNING" -> Optional.of(WARN);
            case "ERROR" -> Optional.of(ERROR);
            default -> Optional.empty();
        };
    }
}
