package dev.multikernel.host.ssh;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One command to run on a host.
 *
 * @param command    a shell command line, run by the login user's shell; quote arguments with
 *                   {@link Shell#quote(String)}
 * @param stdin      bytes sent to the command's standard input, then end-of-file (empty: EOF at once)
 * @param timeout    the whole call, including waiting for other operations on the host, must end
 *                   within this; a command still running then is a {@link CommandTimeoutException}
 * @param access     whether the command changes the host ({@link Access#MUTATE}: serialised, never
 *                   retried) or only looks ({@link Access#READ})
 * @param privileged run {@code command} as root: prefixed with {@code sudo -n --} when the connection
 *                   uses sudo, unchanged when the login user is root. The command must then be one
 *                   simple command (program and arguments), so that sudoers rules can name it.
 * @param guard      an unprivileged shell condition run first (it must not read stdin); when it fails
 *                   the command does not run and the exit status is the guard's
 */
public record ExecRequest(
        String command, byte[] stdin, Duration timeout, Access access, boolean privileged, Optional<String> guard) {

    /** Whether a command changes the host. */
    public enum Access {
        /** Only looks: may run beside other reads, retried once after a transport error. */
        READ,
        /** Changes the host: one at a time per host, never retried. */
        MUTATE
    }

    public ExecRequest {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(guard, "guard");
        if (command.isBlank()) {
            throw new IllegalArgumentException("command must not be blank");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        stdin = stdin == null ? new byte[0] : stdin.clone();
    }

    /** A read-only, unprivileged command without stdin. */
    public static ExecRequest read(String command, Duration timeout) {
        return new ExecRequest(command, new byte[0], timeout, Access.READ, false, Optional.empty());
    }

    /** A mutating, unprivileged command. */
    public static ExecRequest mutate(String command, byte[] stdin, Duration timeout) {
        return new ExecRequest(command, stdin, timeout, Access.MUTATE, false, Optional.empty());
    }

    public ExecRequest asPrivileged() {
        return new ExecRequest(command, stdin, timeout, access, true, guard);
    }

    public ExecRequest withGuard(String condition) {
        return new ExecRequest(command, stdin, timeout, access, privileged, Optional.of(condition));
    }

    public ExecRequest withStdin(byte[] bytes) {
        return new ExecRequest(command, bytes, timeout, access, privileged, guard);
    }

    public ExecRequest withTimeout(Duration newTimeout) {
        return new ExecRequest(command, stdin, newTimeout, access, privileged, guard);
    }

    @Override
    public byte[] stdin() {
        return stdin.clone();
    }

    /** Size of stdin without copying it. */
    public int stdinLength() {
        return stdin.length;
    }

    /** The command line as it is sent, given how privileged commands are run on the host. */
    public String commandLine(boolean useSudo) {
        String main = privileged && useSudo ? "sudo -n -- " + command : command;
        return guard.map(g -> "{ " + g + "; } && " + main).orElse(main);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecRequest r
                && command.equals(r.command)
                && java.util.Arrays.equals(stdin, r.stdin)
                && timeout.equals(r.timeout)
                && access == r.access
                && privileged == r.privileged
                && guard.equals(r.guard);
    }

    @Override
    public int hashCode() {
        return Objects.hash(command, java.util.Arrays.hashCode(stdin), timeout, access, privileged, guard);
    }

    @Override
    public String toString() {
        return "ExecRequest[" + access + (privileged ? ", privileged" : "") + ", timeout=" + timeout + ", stdin="
                + stdin.length + " bytes, command=" + command + "]";
    }
}
