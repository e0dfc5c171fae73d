package dev.tfjvm.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * Default timeouts for a resource's operations. Declaring them adds a {@code timeouts} block to
 * the resource's schema where users may override each one ("30s", "10m", "1h30m").
 * An operation that runs past its timeout fails; it never counts as a success.
 */
public record OperationTimeouts(
        Optional<Duration> create, Optional<Duration> read, Optional<Duration> update, Optional<Duration> delete) {

    public static OperationTimeouts of(Duration create, Duration read, Duration update, Duration delete) {
        return new OperationTimeouts(
                Optional.ofNullable(create),
                Optional.ofNullable(read),
                Optional.ofNullable(update),
                Optional.ofNullable(delete));
    }
}
