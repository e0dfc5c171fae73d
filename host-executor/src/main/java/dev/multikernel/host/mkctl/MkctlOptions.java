package dev.multikernel.host.mkctl;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Limits of mkctl calls.
 *
 * @param lockTimeout   how long mkctl waits for another mkctl's lock on the host (0..3600 s)
 * @param readTimeout   time limit of a state read, on top of the lock wait
 * @param uploadTimeout time limit of uploading the binary
 * @param sessions      how many {@code mkctl session} channels a client keeps open to its host
 *                      (docs/mkctl.md, "session"): requests then cost a line on an open channel
 *                      instead of a command each. {@code 0} turns sessions off (one command per
 *                      request, as before sessions existed). 0..16
 */
public record MkctlOptions(Duration lockTimeout, Duration readTimeout, Duration uploadTimeout, int sessions) {

    /**
     * Environment variable that sets the default of {@link #sessions}: a number (0..16), or
     * {@code off} / {@code false} for 0.
     */
    public static final String SESSIONS_VARIABLE = "MULTIKERNEL_MKCTL_SESSIONS";

    /** Session channels per client unless {@link #SESSIONS_VARIABLE} says otherwise. */
    public static final int DEFAULT_SESSIONS = 2;

    public static final MkctlOptions DEFAULTS =
            new MkctlOptions(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120));

    public MkctlOptions {
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(uploadTimeout, "uploadTimeout");
        if (lockTimeout.isNegative() || lockTimeout.getSeconds() > 3600) {
            throw new IllegalArgumentException("lock timeout must be 0..3600 seconds, got " + lockTimeout);
        }
        if (readTimeout.isNegative() || readTimeout.isZero() || uploadTimeout.isNegative() || uploadTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (sessions < 0 || sessions > 16) {
            throw new IllegalArgumentException("sessions must be 0..16, got " + sessions);
        }
    }

    /**
     * System property that sets the default of {@link #sessions} when {@link #SESSIONS_VARIABLE} is
     * not set (same values), for a provider served inside a test's JVM.
     */
    public static final String SESSIONS_PROPERTY = "multikernel.mkctl.sessions";

    /**
     * With the default number of sessions: {@link #SESSIONS_VARIABLE}, else {@link #SESSIONS_PROPERTY},
     * else {@link #DEFAULT_SESSIONS}; read at each call.
     */
    public MkctlOptions(Duration lockTimeout, Duration readTimeout, Duration uploadTimeout) {
        this(lockTimeout, readTimeout, uploadTimeout, defaultSessions());
    }

    private static int defaultSessions() {
        Map<String, String> env = System.getenv();
        String property = System.getProperty(SESSIONS_PROPERTY);
        if (env.getOrDefault(SESSIONS_VARIABLE, "").isBlank() && property != null) {
            return sessionsFromEnvironment(Map.of(SESSIONS_VARIABLE, property));
        }
        return sessionsFromEnvironment(env);
    }

    public MkctlOptions withLockTimeout(Duration d) {
        return new MkctlOptions(d, readTimeout, uploadTimeout, sessions);
    }

    public MkctlOptions withReadTimeout(Duration d) {
        return new MkctlOptions(lockTimeout, d, uploadTimeout, sessions);
    }

    /** {@code n} session channels per client; 0 = one command per request. */
    public MkctlOptions withSessions(int n) {
        return new MkctlOptions(lockTimeout, readTimeout, uploadTimeout, n);
    }

    /** One command per request (no {@code mkctl session}). */
    public MkctlOptions withoutSessions() {
        return withSessions(0);
    }

    /** {@link #SESSIONS_VARIABLE} read from {@code env}; unset, empty or unreadable gives the default. */
    static int sessionsFromEnvironment(Map<String, String> env) {
        String v = env.getOrDefault(SESSIONS_VARIABLE, "").trim();
        if (v.isEmpty()) {
            return DEFAULT_SESSIONS;
        }
        if (v.equalsIgnoreCase("off") || v.equalsIgnoreCase("false") || v.equalsIgnoreCase("no")) {
            return 0;
        }
        if (v.equalsIgnoreCase("on") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes")) {
            return DEFAULT_SESSIONS;
        }
        try {
            int n = Integer.parseInt(v);
            return n >= 0 && n <= 16 ? n : DEFAULT_SESSIONS;
        } catch (NumberFormatException e) {
            return DEFAULT_SESSIONS;
        }
    }
}
