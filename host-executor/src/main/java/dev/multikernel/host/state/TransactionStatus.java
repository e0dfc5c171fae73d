package dev.multikernel.host.state;

import java.util.Locale;

/** The status of an overlay transaction ({@code overlays/tx_N/status}). */
public enum TransactionStatus {
    PENDING,
    APPLIED,
    FAILED,
    REMOVED,
    /** A word this client does not know; the raw text is kept beside it. */
    UNRECOGNISED;

    public static TransactionStatus parse(String text) {
        for (TransactionStatus s : values()) {
            if (s != UNRECOGNISED && s.name().toLowerCase(Locale.ROOT).equals(text)) {
                return s;
            }
        }
        return UNRECOGNISED;
    }
}
