package dev.multikernel.provider.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Duration strings as Terraform users write them (the Go {@code time.ParseDuration} form without
 * signs or fractions): one or more groups of a whole number and a unit, {@code "30s"}, {@code "2m"},
 * {@code "1m30s"}, {@code "1h"}, {@code "500ms"}.
 */
public final class Durations {
    /** Longest duration accepted: a day. Longer limits are almost certainly typos. */
    public static final Duration MAX = Duration.ofDays(1);

    private static final int MAX_LENGTH = 32;

    private Durations() {}

    /**
     * @throws IllegalArgumentException saying why {@code text} is not a duration, quoting it
     */
    public static Duration parse(String text) throws IllegalArgumentException {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("is empty; write a duration such as \"30s\", \"2m\" or \"1m30s\"");
        }
        if (t.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("is too long to be a duration; write one such as \"30s\" or \"2m\"");
        }
        Duration total = Duration.ZERO;
        int i = 0;
        while (i < t.length()) {
            int start = i;
            while (i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
            }
            if (i == start) {
                throw new IllegalArgumentException(
                        bad(text, "expected a whole number at \"" + t.substring(start) + "\""));
            }
            long n;
            try {
                n = Long.parseLong(t.substring(start, i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(bad(text, "the number is too large"));
            }
            int unitStart = i;
            while (i < t.length() && Character.isLetter(t.charAt(i))) {
                i++;
            }
            String unit = t.substring(unitStart, i);
            Optional<Duration> part = unit(unit, n);
            if (part.isEmpty()) {
                throw new IllegalArgumentException(bad(
                        text, unit.isEmpty() ? "the number " + n + " has no unit" : "unknown unit \"" + unit + "\""));
            }
            total = total.plus(part.get());
            if (total.compareTo(MAX) > 0) {
                throw new IllegalArgumentException(bad(text, "longer than the limit of 24h"));
            }
        }
        if (total.isZero()) {
            throw new IllegalArgumentException(bad(text, "must be longer than zero"));
        }
        return total;
    }

    private static Optional<Duration> unit(String unit, long n) {
        if (n > MAX.toMillis()) {
            return Optional.of(MAX.plusMillis(1));
        }
        return switch (unit) {
            case "ms" -> Optional.of(Duration.ofMillis(n));
            case "s" -> Optional.of(Duration.ofSeconds(n));
            case "m" -> Optional.of(Duration.ofMinutes(n));
            case "h" -> Optional.of(Duration.ofHours(n));
            default -> Optional.empty();
        };
    }

    private static String bad(String text, String why) {
        return "\"" + text + "\" is not a duration: " + why
                + "; write whole numbers with units ms, s, m or h, such as \"30s\", \"2m\" or \"1m30s\"";
    }
}
