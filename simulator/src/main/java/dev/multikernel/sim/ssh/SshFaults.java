package dev.multikernel.sim.ssh;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Faults injected at the SSH level of one simulated host: cut connections, cut the next one after a
 * number of bytes or at a command, refuse new connections for a while. Kernel-level faults live in
 * the kernel model's own fault injector.
 *
 * <p>Thread-safe. One-shot faults are consumed by the first connection or command they hit.
 */
public final class SshFaults {

    /** What a host's SSH server lets this class do to it. */
    interface Target {
        int dropAllConnections();

        void refuseConnections(Duration duration);

        void acceptConnections();
    }

    private record ArmedCommandDrop(CommandDrop when, String commandContains) {}

    private final Target target;
    private final AtomicLong dropNextAfterBytes = new AtomicLong(-1);
    private final AtomicReference<ArmedCommandDrop> commandDrop = new AtomicReference<>();

    SshFaults(Target target) {
        this.target = target;
    }

    /**
     * Cuts every open SSH connection of this host now (TCP close, no SSH disconnect message) and kills
     * the processes those connections started.
     *
     * @return how many connections were cut
     */
    public int dropAllConnections() {
        return target.dropAllConnections();
    }

    /**
     * The next connection accepted is cut once {@code bytes} bytes have crossed it in either direction.
     * Bytes are counted at the transport, so the key exchange (about 3 KB) counts too; {@code 0} cuts
     * the connection before the SSH version exchange completes.
     */
    public void dropNextConnectionAfterBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("byte count must be >= 0, got " + bytes);
        }
        dropNextAfterBytes.set(bytes);
    }

    /**
     * The connection that carries the next command (exec request, shell or SFTP subsystem) whose command
     * line contains {@code commandContains} (empty: any command; an SFTP subsystem is matched as
     * {@code "sftp"}) is cut at the point {@code when}. In an {@code mkctl session} each request
     * counts as a command whose command line is its operations' names between spaces
     * ({@code " overlay-apply "}, {@code " mount baseline "}): {@code BEFORE_START} cuts when the
     * request arrives (mkctl never sees it), {@code AFTER_EXIT} when mkctl has answered it (the
     * answer never reaches the client).
     */
    public void dropNextConnectionAtCommand(CommandDrop when, String commandContains) {
        commandDrop.set(new ArmedCommandDrop(when, commandContains));
    }

    /**
     * New connections are refused (the port is closed: clients get "connection refused") for
     * {@code duration}; open connections stay up. A zero duration reopens the port at once.
     */
    public void refuseConnectionsFor(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, got " + duration);
        }
        if (duration.isZero()) {
            target.acceptConnections();
        } else {
            target.refuseConnections(duration);
        }
    }

    /** Disarms every pending one-shot fault and reopens the port if it was closed. */
    public void clear() {
        dropNextAfterBytes.set(-1);
        commandDrop.set(null);
        target.acceptConnections();
    }

    /** Called for each new connection: the byte budget armed for it, if any (consumed). */
    long takeByteBudgetForNewConnection() {
        return dropNextAfterBytes.getAndSet(-1);
    }

    /** Called when a command starts: the drop armed for it, if its command line matches (consumed). */
    Optional<CommandDrop> takeCommandDrop(String commandLine) {
        while (true) {
            ArmedCommandDrop armed = commandDrop.get();
            if (armed == null || !commandLine.contains(armed.commandContains())) {
                return Optional.empty();
            }
            if (commandDrop.compareAndSet(armed, null)) {
                return Optional.of(armed.when());
            }
        }
    }
}
