package dev.tfjvm.log;

/**
 * A value that decides how it appears in a log line, so a type holding secrets can log itself
 * without them. {@link Log} renders {@link #logValue()} instead of the value.
 */
public interface LogValue {
    /** What to log: a string, number, boolean, map, iterable or another {@code LogValue}. */
    Object logValue();
}
