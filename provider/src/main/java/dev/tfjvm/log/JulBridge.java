package dev.tfjvm.log;

import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes java.util.logging (used by grpc-java and, unshaded, by Netty) into hclog JSON lines
 * with module {@code provider.jul} and the JUL logger name as {@code logger}. Library records
 * must pass both the provider's threshold and the libraries' own
 * ({@link LogThreshold#librariesFromEnvironment}, warnings unless asked for).
 */
public final class JulBridge extends Handler {
    private static final String MODULE = "provider.jul";
    private static volatile Level libraries = LogThreshold.librariesFromEnvironment(System.getenv());

    private JulBridge() {}

    /** Overrides the libraries' threshold read from the environment; takes effect at the next {@link #install}. */
    public static void setLibraryThreshold(Level level) {
        libraries = java.util.Objects.requireNonNull(level, "level");
    }

    /** The stricter of the two thresholds: what a library record must reach to be written. */
    static Level effective() {
        Level provider = Log.threshold();
        return provider.passes(libraries) ? provider : libraries;
    }

    /**
     * Replaces the root logger's handlers (by default a plain-text console handler) with this
     * bridge, and sets the root level from the current threshold so that filtered records are
     * not even built. Idempotent.
     */
    public static void install() {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(new JulBridge());
        root.setLevel(toJul(effective()));
    }

    static Level fromJul(java.util.logging.Level level) {
        int v = level.intValue();
        if (v >= java.util.logging.Level.SEVERE.intValue()) {
            return Level.ERROR;
        }
        if (v >= java.util.logging.Level.WARNING.intValue()) {
            return Level.WARN;
        }
        if (v >= java.util.logging.Level.INFO.intValue()) {
            return Level.INFO;
        }
        if (v >= java.util.logging.Level.FINE.intValue()) {
            return Level.DEBUG;
        }
        return Level.TRACE;
    }

    static java.util.logging.Level toJul(Level level) {
        return switch (level) {
            case TRACE -> java.util.logging.Level.ALL;
            case DEBUG -> java.util.logging.Level.FINE;
            case INFO -> java.util.logging.Level.INFO;
            case WARN -> java.util.logging.Level.WARNING;
            case ERROR -> java.util.logging.Level.SEVERE;
        };
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null) {
            return;
        }
        Level level = fromJul(record.getLevel());
        if (!level.passes(effective())) {
            return;
        }
        String message = record.getMessage();
        Object[] params = record.getParameters();
        if (message != null && params != null && params.length > 0) {
            try {
                message = java.text.MessageFormat.format(message, params);
            } catch (IllegalArgumentException e) {
                // Keep the raw pattern if it is not a valid MessageFormat.
            }
        }
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        Object[] kv = record.getThrown() == null
                ? new Object[] {"logger", logger}
                : new Object[] {"logger", logger, "error", record.getThrown()};
        Log.write(level, MODULE, message == null ? "" : message, kv);
    }

    @Override
    public void flush() {
        // Every line is flushed when written.
    }

    @Override
    public void close() {
        // The sink is owned by Log.
    }
}
