package dev.tfjvm.log;

import java.util.Locale;
import java.util.Map;

/**
 * Which levels the provider writes, decided from Terraform's environment variables.
 *
 * <p>{@code TF_LOG_PROVIDER} wins over {@code TF_LOG}. Values are case-insensitive:
 * TRACE, DEBUG, INFO, WARN, ERROR set the threshold; JSON means TRACE (Terraform's
 * "everything, as JSON"). Unset, empty or OFF keep WARN: Terraform discards provider stderr
 * when its own logging is off, and warnings and errors stay visible when the provider is run
 * by hand. Any other value counts as TRACE, as Terraform itself treats an invalid TF_LOG.
 */
public final class LogThreshold {
    /** Threshold when no logging variable is set. */
    public static final Level DEFAULT = Level.WARN;

    private LogThreshold() {
    }

    public static Level fromEnvironment(Map<String, String> env) {
        String provider = env.getOrDefault("TF_LOG_PROVIDER", "").trim();
        String value = provider.isEmpty() ? env.getOrDefault("TF_LOG", "").trim() : provider;
        return fromValue(value);
    }

    static Level fromValue(String value) {
        if (value.isEmpty() || value.toUpperCase(Locale.ROOT).equals("OFF")) {
            return DEFAULT;
        }
        if (value.toUpperCase(Locale.ROOT).equals("JSON")) {
            return Level.TRACE;
        }
        return Level.parse(value).orElse(Level.TRACE);
    }
}
