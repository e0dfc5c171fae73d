package dev.tfjvm.spi;

import java.util.Optional;

/**
 * The operation running on this thread, for code far from its context (a connection pool, a
 * cache shared by every resource) that has something to tell the user: a warning added to
 * {@code CurrentOperation.get()}'s diagnostics is shown with the plan, apply or read that caused
 * it. Empty outside an operation. The bridge binds it around each operation; providers only read it.
 */
public final class CurrentOperation {
    private static final ThreadLocal<OperationContext> CURRENT = new ThreadLocal<>();

    private CurrentOperation() {}

    public static Optional<OperationContext> get() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Binds {@code context} to this thread until the returned handle is closed (for the bridge and tests). */
    public static Binding bind(OperationContext context) {
        OperationContext before = CURRENT.get();
        CURRENT.set(context);
        return () -> {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        };
    }

    /** Ends a {@link #bind}. */
    @FunctionalInterface
    public interface Binding extends AutoCloseable {
        @Override
        void close();
    }
}
