package dev.multikernel.host.ssh;

import java.time.Duration;
import java.util.Optional;

/**
 * The one way to reach a host: run a command (with bytes on its stdin) and put a file there.
 *
 * <p>Implementations: {@link SshConnectionPool#transport(ConnectionSpec)} (SSH, pooled) and
 * {@link LocalHostTransport} (this machine, for tests and local runs). Everything above this
 * interface is independent of how the host is reached.
 *
 * <p>Contract shared by every implementation:
 * <ul>
 *   <li>an unreachable host, a failed authentication, a rejected host key or an exceeded timeout is a
 *       {@link HostException}; a command that ran and failed is an {@link ExecResult} with a
 *       non-zero exit status;</li>
 *   <li>{@link ExecRequest.Access#MUTATE mutating} requests on one host run one at a time (in this
 *       process); reads may run side by side, but never alongside a mutation;</li>
 *   <li>only {@link ExecRequest.Access#READ reads} are retried, and only after transport errors.</li>
 * </ul>
 */
public interface HostTransport extends AutoCloseable {

    /** Runs one command; see the class contract for what is an exception and what is a result. */
    ExecResult exec(ExecRequest request) throws HostException;

    /** Runs a read-only command with no stdin. */
    default ExecResult read(String command, Duration timeout) throws HostException {
        return exec(ExecRequest.read(command, timeout));
    }

    /**
     * Writes {@code content} to {@code remotePath} as the login user, atomically (a temporary file
     * renamed into place), creating the parent directory (mode 0700) if needed. A relative path is
     * relative to the login user's home directory. Counts as a mutation.
     *
     * @param mode file mode, for example {@code 0755}
     */
    void upload(byte[] content, String remotePath, int mode, Duration timeout) throws HostException;

    /**
     * Starts {@code request}'s command (its stdin must be empty) and keeps it running as a
     * {@link LineChannel}: one exec, then one line in and one line out per exchange. Empty when this
     * transport (or this handle, once closed) cannot keep a command open; callers then run one
     * command per request with {@link #exec}. {@link ExecRequest#timeout()} bounds starting the command; the request's
     * access is ignored (each exchange gives its own). Closing the transport closes the channels
     * opened through it.
     */
    default Optional<LineChannel> openChannel(ExecRequest request) throws HostException {
        return Optional.empty();
    }

    /** Who is logged in where, for messages: {@code deploy@10.0.0.5:22}. */
    String describe();

    /** Releases this handle. For a pooled transport the shared connection stays with the pool. */
    @Override
    void close();
}
