package dev.multikernel.provider.kernel;

import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.mkctl.Mkctl;
import dev.multikernel.host.mkctl.MkctlError;
import dev.multikernel.host.mkctl.MkctlException;
import dev.multikernel.host.mkctl.MkctlResult;
import dev.multikernel.host.ssh.HostException;
import dev.multikernel.host.state.HostState;
import dev.multikernel.provider.config.HostAddress;
import dev.multikernel.provider.hosts.Hosts;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.spi.ResourceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Writes one tagged overlay transaction, the one way every resource does. The kernel reports
 * success on write even when the transaction fails; mkctl finds the transaction and fails with
 * its id. This class then removes the failed transaction ({@code rmdir tx_N}). The kernel often
 * refuses that, since it also undoes the steps that never ran (kernel-interface.md §7, caveat 2);
 * then the steps that took effect are undone by a compensating transaction ({@link Compensation}).
 * {@link #error} turns what came of it into the error the user sees.
 */
public final class OverlayWrites {
    private OverlayWrites() {}

    /** What writing one transaction came to. */
    public sealed interface Outcome {
        /** The kernel applied the transaction. */
        record Applied(MkctlResult.OverlayApplied result) implements Outcome {}

        /** The kernel created {@code tx_N} but did not apply it. */
        sealed interface Failed extends Outcome {
            /** mkctl's error about the failed transaction. */
            MkctlException failure();

            /** {@code N} of {@code tx_N}. */
            int transaction();
        }

        /** The kernel did not apply {@code tx_N}, and removing {@code tx_N} undid it: the host is as it was. */
        record RolledBack(MkctlException failure, int transaction, Optional<String> status) implements Failed {}

        /**
         * The kernel did not apply {@code tx_N} and refused to remove it; what took effect was undone
         * by transaction {@code undo} (empty when nothing had), and {@code tx_N} stays as a failed
         * transaction without effect.
         */
        record Compensated(
                MkctlException failure,
                int transaction,
                Exception rollback,
                Compensation compensation,
                OptionalInt undo)
                implements Failed {}

        /**
         * As {@link Compensated}, but finding what took effect ({@code compensation} empty) or undoing
         * it failed ({@code undo}): part of {@code tx_N} may still be in effect.
         */
        record Stuck(
                MkctlException failure,
                int transaction,
                Exception rollback,
                Optional<Compensation> compensation,
                Exception undo)
                implements Failed {}
    }

    /** The {@code mk,resources} tag of transactions written for {@code owner} ({@code pool}, {@code instance:web}, ...). */
    public static String tag(String owner) {
        return "terraform:" + owner;
    }

    /**
     * Writes {@code operations} as one transaction tagged {@code tag} with {@code client}, and
     * cleans up when the kernel fails it.
     *
     * @param before the host as it was before the write, to find what a failed transaction changed
     * @throws MkctlException when mkctl fails without a transaction of the kernel's to name: nothing
     *                        was applied
     */
    public static Outcome write(Mkctl client, String tag, List<OverlayOperation> operations, HostState before)
            throws HostException, MkctlException {
        byte[] dtbo = CurrentInterface.overlayBlob(tag, operations);
        try {
            return new Outcome.Applied(client.applyOverlay(dtbo));
        } catch (MkctlException e) {
            return cleanUp(client, e, operations, before);
        }
    }

    /**
     * After the kernel failed a transaction written with {@code operations} (alone or as the first
     * operation of a batch): removes it, or undoes what took effect, and says what came of it.
     *
     * @throws MkctlException {@code failure} itself when it names no transaction: nothing was applied
     */
    public static Outcome.Failed cleanUp(
            Mkctl client, MkctlException failure, List<OverlayOperation> operations, HostState before)
            throws HostException, MkctlException {
        OptionalInt tx = failure.error().map(MkctlError::transactionId).orElse(OptionalInt.empty());
        if (tx.isEmpty()) {
            throw failure;
        }
        int n = tx.getAsInt();
        try {
            client.removeOverlay(n);
            return new Outcome.RolledBack(failure, n, failure.error().flatMap(MkctlError::transactionStatus));
        } catch (MkctlException | HostException rollback) {
            return compensate(client, failure, n, rollback, operations, before);
        }
    }

    private static Outcome.Failed compensate(
            Mkctl client,
            MkctlException failure,
            int tx,
            Exception rollback,
            List<OverlayOperation> written,
            HostState before) {
        Compensation c;
        try {
            c = Compensation.of(written, before, client.state());
        } catch (MkctlException | HostException | RuntimeException e) {
            return new Outcome.Stuck(failure, tx, rollback, Optional.empty(), e);
        }
        if (c.inverse().isEmpty()) {
            return new Outcome.Compensated(failure, tx, rollback, c, OptionalInt.empty());
        }
        try {
            MkctlResult.OverlayApplied undo =
                    client.applyOverlay(CurrentInterface.overlayBlob(Compensation.TAG, c.inverse()));
            return new Outcome.Compensated(
                    failure, tx, rollback, c, OptionalInt.of(undo.transaction().id()));
        } catch (MkctlException | HostException | RuntimeException e) {
            return new Outcome.Stuck(failure, tx, rollback, Optional.of(c), e);
        }
    }

    /**
     * {@link #write(Mkctl, String, List, HostState)} as one change of {@code host}; a failure
     * of mkctl without a transaction becomes the registry's error naming the host.
     */
    public static Outcome write(
            Hosts hosts, HostAddress host, String tag, List<OverlayOperation> operations, HostState before)
            throws ResourceException {
        return hosts.change(host, client -> write(client, tag, operations, before));
    }

    /**
     * Applies {@code operations} as one transaction tagged {@code tag}, comparing against the host as
     * the registry last read it, and fails with {@link #error} when the kernel does not apply it.
     *
     * @param doing what the transaction does, for messages ("create instance \"web\"")
     */
    public static MkctlResult.Transaction apply(
            Hosts hosts, HostAddress host, String tag, List<OverlayOperation> operations, String doing)
            throws ResourceException {
        Outcome outcome = write(hosts, host, tag, operations, hosts.state(host));
        if (outcome instanceof Outcome.Failed f) {
            throw error(host, operations, f, Wording.of(doing));
        }
        return ((Outcome.Applied) outcome).result().transaction();
    }

    // ------------------------------------------------------------------ messages

    /**
     * How a caller words the error of a failed write.
     *
     * @param doing     what the transaction was to do, after "The kernel did not" ("apply the overlay")
     * @param describe  names a list of operations for the user (the transaction, what took effect)
     * @param path      the attribute the error is about, if one
     * @param ifUndone  said last when nothing of the transaction is left in effect
     * @param ifStuck   said last when part of it may still be in effect: what the user can do
     */
    public record Wording(
            String doing,
            Function<List<OverlayOperation>, String> describe,
            Optional<CtyPath> path,
            String ifUndone,
            String ifStuck) {
        public Wording {
            Objects.requireNonNull(doing, "doing");
            Objects.requireNonNull(describe, "describe");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(ifUndone, "ifUndone");
            Objects.requireNonNull(ifStuck, "ifStuck");
        }

        /** Plain wording: operations by {@link #steps}, no attribute, the general advice. */
        public static Wording of(String doing) {
            return new Wording(
                    doing,
                    OverlayWrites::steps,
                    Optional.empty(),
                    "",
                    "terraform plan reads the host and shows what is in effect; undo those steps on the host (or "
                            + "reboot it) if the next apply cannot.");
        }

        public Wording describedBy(Function<List<OverlayOperation>, String> f) {
            return new Wording(doing, f, path, ifUndone, ifStuck);
        }

        public Wording at(Optional<CtyPath> p) {
            return new Wording(doing, describe, p, ifUndone, ifStuck);
        }

        public Wording ifUndone(String text) {
            return new Wording(doing, describe, path, text, ifStuck);
        }

        public Wording ifStuck(String text) {
            return new Wording(doing, describe, path, ifUndone, text);
        }
    }

    private static final String KERNEL_LOG = "The host's kernel log (dmesg) says which step the kernel refused and "
            + "why; common causes are a CPU or device that is lent to an instance or not free in the pool (EBUSY), "
            + "one the host does not have (ENODEV), or memory the pool cannot give (ENOMEM).";

    /** The error for a transaction the kernel failed: what failed, what the provider did about it, what is left. */
    public static ResourceException error(
            HostAddress host, List<OverlayOperation> written, Outcome.Failed outcome, Wording w) {
        String tx = "tx_" + outcome.transaction();
        String head = "Transaction " + tx + " (" + w.describe().apply(written) + ")";
        String summary = "The kernel did not " + w.doing() + " on host " + host.describe();
        String detail;
        if (outcome instanceof Outcome.RolledBack r) {
            detail = head + " ended with status \"" + r.status().orElse("failed") + "\": " + reason(r.failure())
                    + "\n\nThe provider rolled it back (removed " + tx + "), so nothing of it is left on the host."
                    + after(w.ifUndone()) + " " + KERNEL_LOG;
        } else if (outcome instanceof Outcome.Compensated c) {
            String undone = c.undo().isEmpty()
                    ? "None of its steps had taken effect."
                    : "The steps that had taken effect ("
                            + w.describe().apply(c.compensation().tookEffect())
                            + ") were undone with transaction tx_" + c.undo().getAsInt() + " (tagged \""
                            + Compensation.TAG + "\").";
            detail = head + " failed: " + reason(c.failure()) + "\n\nThe kernel refused to roll it back ("
                    + c.rollback().getMessage() + "): it undoes every step of a failed transaction, also those that "
                    + "never ran, and undoing those fails. " + undone + " So the host's resources are as before; "
                    + tx + " stays on the host with status failed, without effect, until the host reboots."
                    + after(w.ifUndone()) + " " + KERNEL_LOG;
        } else {
            Outcome.Stuck s = (Outcome.Stuck) outcome;
            summary += ", and undoing it failed";
            String undo = s.compensation()
                    .map(c -> "Undoing the steps that had taken effect ("
                            + w.describe().apply(c.tookEffect()) + ") failed too: "
                            + s.undo().getMessage() + "\n\nThose steps are still in effect.")
                    .orElse("Finding out which of its steps had taken effect, to undo them, failed too: "
                            + s.undo().getMessage() + "\n\nSome of its steps may still be in effect.");
            detail = head + " failed: " + reason(s.failure()) + "\n\nRolling it back failed: "
                    + s.rollback().getMessage() + "\n\n" + undo + after(w.ifStuck());
        }
        return new ResourceException(summary, detail, w.path(), Optional.empty(), outcome.failure());
    }

    private static String after(String text) {
        return text.isEmpty() ? "" : " " + text;
    }

    /** Names operations by their kind and target ("cpu-add to instance \"web\""), for {@link Wording#of}. */
    public static String steps(List<OverlayOperation> operations) {
        List<String> out = new ArrayList<>();
        for (OverlayOperation op : operations) {
            if (op instanceof OverlayOperation.InstanceCreate c) {
                out.add("instance-create of \"" + c.name() + "\"");
            } else if (op instanceof OverlayOperation.InstanceRemove r) {
                out.add("instance-remove of \"" + r.name() + "\"");
            } else {
                boolean toward = op.nodeName().endsWith("-add");
                out.add(op.nodeName()
                        + (toward ? " to " : " from ")
                        + (op.target() instanceof OverlayTarget.Instance i
                                ? "instance \"" + i.name() + "\""
                                : "the pool"));
            }
        }
        return String.join("; ", out);
    }

    /**
     * What the kernel said, without the executor's generic hint about removing the failed
     * transaction: by the time the message is shown the provider has dealt with it.
     */
    private static String reason(Exception failure) {
        String said = failure instanceof MkctlException m && m.error().isPresent()
                ? m.error().get().message()
                : failure.getMessage();
        // mkctl tells its own users how to roll the transaction back; the provider already did
        return said.replaceAll("; remove it with overlay-remove --id \\d+ to roll back what was applied", "");
    }
}
