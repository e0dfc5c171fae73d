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

    private LogThreshold() {}

    /** The variable that lets library logging (gRPC, Netty, the JDK) through below warnings. */
    public static final String LIBRARIES_VARIABLE = "TF_JVM_LOG_LIBRARIES";

    /**
     * The threshold for libraries' own logging (java.util.logging: gRPC, Netty, the JDK's
     * security events): {@code TF_JVM_LOG_LIBRARIES} when set to a level, else WARN, whatever
     * TF_LOG says. Their debug output is about their internals (a thousand lines for one plan), so
     * a user's {@code TF_LOG=debug} shows the provider, and bridge developers opt in.
     */
    public static Level librariesFromEnvironment(Map<String, String> env) {
        return Level.parse(env.getOrDefault(LIBRARIES_VARIABLE, "").trim()).orElse(DEFAULT);
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
