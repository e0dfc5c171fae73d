package dev.multikernel.provider.resources.instance;

import dev.multikernel.host.state.InstanceStatus;
import java.util.Locale;
import java.util.Optional;

/** Where an instance should be: created ({@code ready}), with its kernel loaded, or running. */
enum DesiredState {
    READY,
    LOADED,
    ACTIVE;

    static final String[] NAMES = {"ready", "loaded", "active"};

    String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean needsKernel() {
        return this != READY;
    }

    static Optional<DesiredState> parse(String text) {
        for (DesiredState s : values()) {
            if (s.word().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The desired state an instance in {@code status} is in, for reading back: a kernel status
     * without a desired-state word (failed, loading, unknown) is reported as the kernel's word so
     * the plan shows what it is.
     */
    static String readBack(InstanceStatus status, String statusText) {
        return switch (status) {
            case EMPTY, READY -> "ready";
            case LOADED, LOADING -> "loaded";
            case ACTIVE -> "active";
            default -> statusText;
        };
    }
}
