package dev.multikernel.provider.hosts;

import dev.multikernel.host.mkctl.Mkctl;
import dev.multikernel.host.mkctl.MkctlException;
import dev.multikernel.host.ssh.CommandTimeoutException;
import dev.multikernel.host.ssh.ConnectionLostException;
import dev.multikernel.host.ssh.HostException;
import dev.multikernel.host.state.HostState;
import dev.multikernel.provider.config.HostAddress;
import dev.tfjvm.spi.ResourceException;

/**
 * What the resources and data sources need of the hosts: the state of a host (read once per run
 * and cached), its helper for calls and changes, and the run's {@link PlanLedger}. The provider
 * process uses {@link HostRegistry} (SSH and mkctl); a unit test gives a resource a fixed
 * {@link HostState} and a fake {@link Mkctl} that records the kernel operations.
 */
public interface Hosts {

    /** Something done with a host's helper. */
    @FunctionalInterface
    interface HostCall<T> {
        T call(Mkctl client) throws HostException, MkctlException, ResourceException;
    }

    /**
     * The host's state: read once, then the same snapshot until {@link #change} or
     * {@link #forget} drops it. Host and helper failures are {@link ResourceException}s naming the
     * host.
     */
    HostState state(HostAddress host) throws ResourceException;

    /** Reads the host's state again, whatever is cached. */
    default HostState refreshState(HostAddress host) throws ResourceException {
        forget(host);
        return state(host);
    }

    /** Drops the cached state of {@code host}: the next {@link #state} reads it again. */
    void forget(HostAddress host);

    /**
     * Keeps {@code state}, read by the last request of a change (a batch that ends with {@code
     * state}), as the host's snapshot, so the next {@link #state} needs no request of its own.
     * Call it after {@link #change} has returned.
     */
    default void remember(HostAddress host, HostState state) {}

    /**
     * Runs {@code change} against the host and drops its cached state afterwards, whether the
     * change worked or not (a failed change may still have changed something).
     */
    default <T> T change(HostAddress host, HostCall<T> change) throws ResourceException {
        try {
            return call(host, change);
        } finally {
            forget(host);
        }
    }

    /** Runs {@code read} against the host, mapping host and helper failures to errors naming the host. */
    <T> T call(HostAddress host, HostCall<T> read) throws ResourceException;

    /**
     * Whether a failed {@link #change} may still have happened: its answer was lost (the
     * connection dropped, or the request timed out), it was not refused. Only the host can tell.
     */
    static boolean answerLost(ResourceException e) {
        return e.getCause() instanceof ConnectionLostException || e.getCause() instanceof CommandTimeoutException;
    }

    /** What this run's plans have promised on each host so far (see {@link PlanLedger}). */
    PlanLedger ledger();
}
