package dev.multikernel.host.ssh;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

/** What one connection attempt carries into sshd's callbacks, and what they report back. */
final class ConnectionAttempt {

    static final AttributeKey<ConnectionAttempt> KEY = new AttributeKey<>();

    private final Target target;
    private final Optional<Path> agentSocket;
    private volatile PublicKey presentedKey;
    private volatile HostKeyVerdict verdict;

    ConnectionAttempt(Target target, Optional<Path> agentSocket) {
        this.target = target;
        this.agentSocket = agentSocket;
    }

    Target target() {
        return target;
    }

    Optional<Path> agentSocket() {
        return agentSocket;
    }

    void recordHostKey(PublicKey key, HostKeyVerdict v) {
        this.presentedKey = key;
        this.verdict = v;
    }

    /** The refusal, when the host key was refused. */
    Optional<HostKeyRejectedException> hostKeyRejection() {
        HostKeyVerdict v = verdict;
        if (v == null || v.trusted()) {
            return Optional.empty();
        }
        return Optional.of(HostKeyMessages.rejected(target, v, presentedKey));
    }

    boolean hostKeyChecked() {
        return verdict != null;
    }
}
