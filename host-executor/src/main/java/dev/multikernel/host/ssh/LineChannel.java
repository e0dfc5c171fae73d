package dev.multikernel.host.ssh;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A command that keeps running on the host and answers each line it is sent with one line (a
 * JSON-line protocol such as {@code mkctl session}), on one channel opened once. Opened with
 * {@link HostTransport#openChannel}.
 *
 * <p>{@link #exchange} follows the transport's rules for the host: a {@link ExecRequest.Access#MUTATE
 * mutating} exchange runs alone in this process, reads may run side by side, never alongside a
 * mutation (the same lock as {@link HostTransport#exec}). One exchange at a time per channel: a
 * caller that wants several in flight opens several channels. Nothing is retried here.
 *
 * <p>Failures are those of a one-shot command that lost its answer: the channel or the connection
 * ending before the answer line is a {@link ConnectionLostException}, the time running out a
 * {@link CommandTimeoutException} (started). Either closes the channel: a channel that failed once
 * is not used again.
 */
public interface LineChannel extends AutoCloseable {

    /**
     * The next line the command prints on its own (a greeting), without its line end; empty when the
     * command's output ended first.
     *
     * @throws CommandTimeoutException when no line came within {@code timeout} (the channel is closed)
     */
    Optional<String> readLine(Duration timeout) throws HostException;

    /**
     * Sends {@code line} (it must not contain a line break) and waits for the next line of output,
     * returned without its line end.
     *
     * @param timeout the whole exchange, waiting for other operations on the host included
     */
    String exchange(String line, ExecRequest.Access access, Duration timeout) throws HostException;

    /** Whether the channel is still usable: neither closed nor ended by the command or the connection. */
    boolean isOpen();

    /** The command's exit status, once it has ended and the transport knows it. */
    OptionalInt exitStatus();

    /** What the command wrote to stderr so far (at most the first 2000 characters). */
    String stderrSummary();

    /** Closes the channel (the command sees the end of its input); idempotent. */
    @Override
    void close();
}
