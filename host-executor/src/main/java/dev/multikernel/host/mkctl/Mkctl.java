package dev.multikernel.host.mkctl;

import dev.multikernel.host.ssh.HostException;
import dev.multikernel.host.state.HostState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The typed mkctl operations on one host (docs/mkctl.md), as callers above the executor use them.
 * {@link MkctlClient} runs them over a {@code HostTransport}; a test can implement {@link #run} and
 * {@link #batch} to record the operations and answer them without a host. Every typed method is
 * one {@link MkctlOperation} run alone.
 */
public interface Mkctl {

    /** Runs one operation alone. */
    MkctlResult run(MkctlOperation op) throws HostException, MkctlException;

    /**
     * Runs operations in order under one lock, in one round trip, stopping at the first failure; a
     * failure's exception carries the results of the operations that completed before it.
     */
    List<MkctlResult> batch(List<MkctlOperation> operations) throws HostException, MkctlException;

    /** The host's whole multikernel state, in one call. */
    default HostState state() throws HostException, MkctlException {
        return ((MkctlResult.StateRead) run(new MkctlOperation.State())).state();
    }

    default MkctlResult.Mounted mount() throws HostException, MkctlException {
        return (MkctlResult.Mounted) run(new MkctlOperation.Mount());
    }

    default MkctlResult.BaselineApplied baseline(byte[] dtb) throws HostException, MkctlException {
        return (MkctlResult.BaselineApplied) run(new MkctlOperation.Baseline(dtb));
    }

    default MkctlResult.OverlayApplied applyOverlay(byte[] dtbo) throws HostException, MkctlException {
        return (MkctlResult.OverlayApplied) run(new MkctlOperation.OverlayApply(dtbo));
    }

    default MkctlResult.OverlayRemoved removeOverlay(int transactionId) throws HostException, MkctlException {
        return (MkctlResult.OverlayRemoved) run(new MkctlOperation.OverlayRemove(transactionId));
    }

    default MkctlResult.V2Created v2Create(byte[] dtb, List<String> expect) throws HostException, MkctlException {
        return (MkctlResult.V2Created) run(new MkctlOperation.V2Create(dtb, expect));
    }

    default MkctlResult.V2Removed v2Remove(String name) throws HostException, MkctlException {
        return (MkctlResult.V2Removed) run(new MkctlOperation.V2Remove(name));
    }

    default MkctlResult.Loaded load(int id, String kernel, Optional<String> initrd, String cmdline)
            throws HostException, MkctlException {
        return (MkctlResult.Loaded) run(new MkctlOperation.Load(id, kernel, initrd, cmdline));
    }

    default MkctlResult.Unloaded unload(int id) throws HostException, MkctlException {
        return (MkctlResult.Unloaded) run(new MkctlOperation.Unload(id));
    }

    /** Boots the loaded instance {@code id} ({@code mkctl exec}). */
    default MkctlResult.Started exec(int id) throws HostException, MkctlException {
        return (MkctlResult.Started) run(new MkctlOperation.Exec(id));
    }

    default MkctlResult.Halted halt(int id, HaltMode mode, Duration timeout) throws HostException, MkctlException {
        return (MkctlResult.Halted) run(new MkctlOperation.Halt(id, mode, timeout));
    }
}
