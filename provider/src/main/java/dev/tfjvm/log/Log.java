package dev.tfjvm.log;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;

/**
 * hclog-compatible JSON logging on stderr, one line per message, which Terraform copies into
 * its own log at the line's level ({@code TF_LOG=debug terraform plan}).
 *
 * <pre>{@code
 * private static final Log LOG = Log.get("ssh");
 * LOG.info("connected", "host", host, "port", 22);
 * // {"@level":"info","@message":"connected","@module":"provider.ssh","@timestamp":"...","host":"h1","port":22}
 * }</pre>
 *
 * <p>Extra arguments are key/value pairs. Values: strings, numbers, booleans, null, Optional,
 * collections and maps become JSON; a Throwable becomes its message chain; a {@link LogValue}
 * (the SPI's {@code TfObject} is one, with its sensitive attributes masked) what it chooses;
 * anything else its {@code toString()}. Thread-safe: each line is built first and written with
 * one call.
 *
 * <p>A logger is immutable: {@link #with} gives one that adds fields to every line (the bridge
 * hands each operation one with {@code tf_rpc} and {@code tf_req_id}), {@link #masking} one that
 * writes {@value #MASK} instead of the values of the named fields, wherever they come from.
 *
 * <p>The threshold comes from {@code TF_LOG_PROVIDER} / {@code TF_LOG} (see {@link LogThreshold}).
 * Never writes to stdout, which belongs to the plugin handshake.
 */
public final class Log {
    private static final Object LOCK = new Object();
    private static volatile Level threshold = LogThreshold.fromEnvironment(System.getenv());
    private static OutputStream sink = new FileOutputStream(FileDescriptor.err);
    private static Clock clock = Clock.systemUTC();

    /** What a masked field's value is written as. */
    public static final String MASK = JsonLine.MASK;

    private final String module;
    private final Object[] fields;
    private final java.util.Set<String> masked;

    private Log(String module, Object[] fields, java.util.Set<String> masked) {
        this.module = module;
        this.fields = fields;
        this.masked = masked;
    }

    /**
     * A logger whose {@code @module} is {@code provider.<name>}, the convention Terraform's
     * own providers follow; an empty name gives plain {@code provider}.
     */
    public static Log get(String name) {
        Objects.requireNonNull(name, "name");
        return new Log(name.isEmpty() ? "provider" : "provider." + name, new Object[0], java.util.Set.of());
    }

    /** This logger with {@code keyValues} (pairs) added to every line it writes. */
    public Log with(Object... keyValues) {
        Object[] all = java.util.Arrays.copyOf(fields, fields.length + keyValues.length / 2 * 2);
        System.arraycopy(keyValues, 0, all, fields.length, keyValues.length / 2 * 2);
        return new Log(module, all, masked);
    }

    /** This logger with the values of fields named {@code keys} written as {@value #MASK}. */
    public Log masking(String... keys) {
        java.util.Set<String> all = new java.util.HashSet<>(masked);
        all.addAll(java.util.List.of(keys));
        return new Log(module, fields, java.util.Set.copyOf(all));
    }

    /** This logger under {@code @module} {@code <module>.<name>}, keeping its fields and masks. */
    public Log named(String name) {
        return new Log(module + "." + Objects.requireNonNull(name, "name"), fields, masked);
    }

    /** A logger for a class, named after its simple name in lower case. */
    public static Log get(Class<?> type) {
        return get(type.getSimpleName().toLowerCase(java.util.Locale.ROOT));
    }

    public String module() {
        return module;
    }

    public static Level threshold() {
        return threshold;
    }

    /** Overrides the threshold read from the environment at start-up. */
    public static void setThreshold(Level level) {
        threshold = Objects.requireNonNull(level, "level");
    }

    /**
     * Sends log lines somewhere else than the process's stderr (tests, embedding). The stream
     * receives whole UTF-8 lines, each in one {@code write} call.
     */
    public static void setOutput(OutputStream out) {
        synchronized (LOCK) {
            sink = Objects.requireNonNull(out, "out");
        }
    }

    /** Restores stderr output and the environment's threshold. */
    public static void reset() {
        synchronized (LOCK) {
            sink = new FileOutputStream(FileDescriptor.err);
            clock = Clock.systemUTC();
        }
        threshold = LogThreshold.fromEnvironment(System.getenv());
    }

    static void setClock(Clock c) {
        synchronized (LOCK) {
            clock = c;
        }
    }

    public boolean isEnabled(Level level) {
        return level.passes(threshold);
    }

    public boolean isTraceEnabled() {
        return isEnabled(Level.TRACE);
    }

    public boolean isDebugEnabled() {
        return isEnabled(Level.DEBUG);
    }

    public void trace(String message, Object... keyValues) {
        log(Level.TRACE, message, keyValues);
    }

    public void debug(String message, Object... keyValues) {
        log(Level.DEBUG, message, keyValues);
    }

    public void info(String message, Object... keyValues) {
        log(Level.INFO, message, keyValues);
    }

    public void warn(String message, Object... keyValues) {
        log(Level.WARN, message, keyValues);
    }

    public void error(String message, Object... keyValues) {
        log(Level.ERROR, message, keyValues);
    }

    public void log(Level level, String message, Object... keyValues) {
        if (!isEnabled(level)) {
            return;
        }
        Object[] own = keyValues == null ? new Object[0] : keyValues;
        Object[] all = own;
        if (fields.length > 0) {
            all = java.util.Arrays.copyOf(fields, fields.length + own.length);
            System.arraycopy(own, 0, all, fields.length, own.length);
        }
        write(level, module, message, all, masked);
    }

    /** Writes under an explicit module name (used by the java.util.logging bridge). */
    static void write(Level level, String module, String message, Object[] keyValues) {
        write(level, module, message, keyValues, java.util.Set.of());
    }

    private static void write(
            Level level, String module, String message, Object[] keyValues, java.util.Set<String> masked) {
        synchronized (LOCK) {
            String line = JsonLine.format(clock.instant(), level, module, String.valueOf(message), keyValues, masked);
            try {
                sink.write(line.getBytes(StandardCharsets.UTF_8));
                sink.flush();
            } catch (IOException | RuntimeException e) {
                // Nowhere left to report to; logging must never break the provider.
            }
        }
    }
}
