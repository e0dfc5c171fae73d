package dev.multikernel.host.ssh;

/**
 * The host presented a key the {@link HostKeyPolicy} does not accept (unknown, changed or revoked).
 * The message carries the presented key's fingerprint and how to trust it, if it is the right one.
 */
public final class HostKeyRejectedException extends HostException {

    private static final long serialVersionUID = 1L;

    private final HostKeyVerdict verdict;
    private final String presentedFingerprint;

    public HostKeyRejectedException(String host, String message, HostKeyVerdict verdict, String presentedFingerprint) {
        super(host, message, null);
        this.verdict = verdict;
        this.presentedFingerprint = presentedFingerprint;
    }

    /** Why the key was refused. */
    public HostKeyVerdict verdict() {
        return verdict;
    }

    /** {@code SHA256:...} of the key the host presented. */
    public String presentedFingerprint() {
        return presentedFingerprint;
    }
}
