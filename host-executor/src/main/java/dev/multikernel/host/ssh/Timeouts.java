package dev.multikernel.host.ssh;

import java.time.Duration;
import java.util.Objects;

/**
 * Time limits of one connection. A limit that runs out is a failure, never a success.
 *
 * @param connect           TCP connect plus SSH handshake
 * @param authenticate      user authentication
 * @param keepAliveInterval how often an idle connection is probed ({@code keepalive@openssh.com})
 * @param keepAliveMaxMissed unanswered probes after which the connection counts as broken
 */
public record Timeouts(Duration connect, Duration authenticate, Duration keepAliveInterval, int keepAliveMaxMissed) {

    public static final Timeouts DEFAULTS =
            new Timeouts(Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(15), 3);

    public Timeouts {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(authenticate, "authenticate");
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        for (Duration d : new Duration[] {connect, authenticate, keepAliveInterval}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive, got " + d);
            }
        }
        if (keepAliveMaxMissed < 1) {
            throw new IllegalArgumentException("keepAliveMaxMissed must be at least 1");
        }
    }

    public Timeouts withConnect(Duration d) {
        return new Timeouts(d, authenticate, keepAliveInterval, keepAliveMaxMissed);
    }

    public Timeouts withAuthenticate(Duration d) {
        return new Timeouts(connect, d, keepAliveInterval, keepAliveMaxMissed);
    }

    public Timeouts withKeepAlive(Duration interval, int maxMissed) {
        return new Timeouts(connect, authenticate, interval, maxMissed);
    }
}
