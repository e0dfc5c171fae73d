package dev.multikernel.host.mkctl;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The error object mkctl prints on failure.
 *
 * @param operation         the failing operation ({@code load}, ...)
 * @param kind              what kind of failure
 * @param errno             the errno, when one is involved
 * @param errnoName         the errno as printed ({@code EBUSY}, {@code E135}), when one is involved
 * @param call              the failing access ({@code write}, {@code kexec_file_load}, ...)
 * @param path              the file involved, as the host sees it
 * @param message           mkctl's sentence for humans
 * @param transactionId     the overlay transaction concerned
 * @param transactionStatus that transaction's status as read back
 * @param instanceStatus    the instance's status read back after a failed lifecycle call
 * @param batchIndex        in a batch: index of the failing operation
 */
public record MkctlError(
        String operation,
        ErrorKind kind,
        Optional<Errno> errno,
        Optional<String> errnoName,
        Optional<String> call,
        Optional<String> path,
        String message,
        OptionalInt transactionId,
        Optional<String> transactionStatus,
        Optional<String> instanceStatus,
        OptionalInt batchIndex) {

    /** Whether the errno is {@code e}. */
    public boolean is(Errno e) {
        return errno.isPresent() && errno.get() == e;
    }
}
