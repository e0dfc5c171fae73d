package dev.multikernel.sim.kernel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Faults a test (or the simulator CLI) arms on one simulated kernel. Thread-safe.
 * Faults are not persisted: they belong to the running simulator, not to the host.
 *
 * <ul>
 *   <li>{@link #failNext}: the next {@code count} operations of a kind whose subject matches a
 *       glob fail with an errno, without any effect on the kernel state;</li>
 *   <li>{@link #haltTimesOut}: a graceful halt gets no acknowledgement from the instance
 *       (reference §4 "Stop": the kernel waits up to 30 s) and returns {@code ETIMEDOUT};</li>
 *   <li>{@link #haltCannotQuiesce}: a halt cannot quiesce device interrupts, the instance
 *       ends {@code failed} (reference §1 "State changes");</li>
 *   <li>{@link #slowReplies}: every call sleeps first (to exercise client timeouts).</li>
 * </ul>
 */
public final class FaultInjector {

    /** One armed rule; {@code remaining} counts down to zero. */
    public record Rule(Operation operation, String pathGlob, Errno errno, int remaining) {}

    private final List<MutableRule> rules = new ArrayList<>();
    private boolean haltTimesOut;
    private boolean haltCannotQuiesce;
    private Duration slowReplies = Duration.ZERO;

    private static final class MutableRule {
        final Operation op;
        final String glob;
        final Pattern pattern;
        final Errno errno;
        int remaining;

        MutableRule(Operation op, String glob, Errno errno, int remaining) {
            this.op = op;
            this.glob = glob;
            this.pattern = globToRegex(glob);
            this.errno = errno;
            this.remaining = remaining;
        }
    }

    /**
     * The next {@code count} operations of kind {@code op} whose subject matches
     * {@code pathGlob} fail with {@code errno} (rules are checked in the order armed).
     * In the glob, {@code *} matches any run of characters including '/', {@code ?} one character.
     */
    public synchronized FaultInjector failNext(Operation op, String pathGlob, Errno errno, int count) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(pathGlob, "pathGlob");
        Objects.requireNonNull(errno, "errno");
        if (count <= 0) {
            throw new IllegalArgumentException("count must be positive, got " + count);
        }
        if (pathGlob.length() > 4096) {
            throw new IllegalArgumentException("path glob longer than 4096 characters");
        }
        rules.add(new MutableRule(op, pathGlob, errno, count));
        return this;
    }

    public synchronized FaultInjector haltTimesOut(boolean on) {
        this.haltTimesOut = on;
        return this;
    }

    public synchronized FaultInjector haltCannotQuiesce(boolean on) {
        this.haltCannotQuiesce = on;
        return this;
    }

    public synchronized FaultInjector slowReplies(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("slow reply delay must be between 0 and 10 minutes");
        }
        this.slowReplies = delay;
        return this;
    }

    /** Disarms everything. */
    public synchronized FaultInjector clear() {
        rules.clear();
        haltTimesOut = false;
        haltCannotQuiesce = false;
        slowReplies = Duration.ZERO;
        return this;
    }

    public synchronized List<Rule> rules() {
        List<Rule> out = new ArrayList<>();
        for (MutableRule r : rules) {
            out.add(new Rule(r.op, r.glob, r.errno, r.remaining));
        }
        return List.copyOf(out);
    }

    public synchronized boolean haltTimesOut() {
        return haltTimesOut;
    }

    public synchronized boolean haltCannotQuiesce() {
        return haltCannotQuiesce;
    }

    public synchronized Duration slowReplies() {
        return slowReplies;
    }

    /** Consumes one matching rule, if any, and returns its errno. */
    synchronized Optional<Errno> take(Operation op, String subject) {
        Iterator<MutableRule> it = rules.iterator();
        while (it.hasNext()) {
            MutableRule r = it.next();
            if (r.op == op && r.pattern.matcher(subject).matches()) {
                if (--r.remaining == 0) {
                    it.remove();
                }
                return Optional.of(r.errno);
            }
        }
        return Optional.empty();
    }

    static Pattern globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> sb.append(".*");
                case '?' -> sb.append('.');
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString(), Pattern.DOTALL);
    }
}
