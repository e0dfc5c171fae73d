package dev.multikernel.provider.values;

/**
 * Text that is not a valid value of one of the small languages in this package (CPU lists, byte
 * sizes). The message says what is wrong, quoting the offending part, and shows the expected form,
 * so it can go to a user as it is.
 */
public final class InvalidValueException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Longest input quoted in full in a message; longer input is shortened with an ellipsis. */
    static final int QUOTE_LIMIT = 64;

    private final String input;

    InvalidValueException(String input, String message) {
        super(message);
        this.input = input;
    }

    /** The whole text that was being parsed. */
    public String input() {
        return input;
    }

    /** {@code text} in double quotes, shortened when very long, control characters escaped. */
    static String quote(String text) {
        String shown = text.length() > QUOTE_LIMIT ? text.substring(0, QUOTE_LIMIT - 1) + "…" : text;
        StringBuilder b = new StringBuilder(shown.length() + 2).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
