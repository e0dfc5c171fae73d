package dev.multikernel.host.state;

import java.util.Locale;

/** The lifecycle state of a kernel instance ({@code instances/<name>/status}). */
public enum InstanceStatus {
    EMPTY,
    READY,
    LOADING,
    LOADED,
    ACTIVE,
    FAILED,
    /** A word this client does not know (a newer kernel); the raw text is kept beside it. */
    UNRECOGNISED;

    public static InstanceStatus parse(String text) {
        for (InstanceStatus s : values()) {
            if (s != UNRECOGNISED && s.name().toLowerCase(Locale.ROOT).equals(text)) {
                return s;
            }
        }
        return UNRECOGNISED;
    }

    /** Whether a kernel image is loaded for the instance (it must be unloaded before removal). */
    public boolean hasImage() {
        return this == LOADING || this == LOADED || this == ACTIVE;
    }
}
