package dev.tfjvm.daemon;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses TF_JVM_DAEMON_IDLE: whole seconds ({@code 600}) or {@code 90s}, {@code 10m}, {@code 1h}, {@code 1h30m}. */
final class IdleTime {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    private IdleTime() {}

    static Optional<Duration> parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            return Optional.empty();
        }
        if (t.chars().allMatch(Character::isDigit)) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(t)));
        }
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(
                    switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        default -> Duration.ofHours(n);
                    });
            end = m.end();
        }
        return end == t.length() ? Optional.of(total) : Optional.empty();
    }
}
