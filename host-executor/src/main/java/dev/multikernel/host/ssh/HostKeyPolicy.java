package dev.multikernel.host.ssh;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collection;
import java.util.List;

/**
 * Decides whether the key a host presents is the right one. Named implementations:
 * {@link KnownHostsPolicy} (strict checking against OpenSSH known_hosts files, the default),
 * {@link PinnedHostKeys} (fingerprints given in configuration) and {@link TrustOnFirstUse}
 * (records unknown hosts, only when asked for). There is deliberately no "accept anything" policy.
 */
public interface HostKeyPolicy {

    /**
     * @param host the host name as configured (after {@code HostName} from an ssh config), lower case
     * @param port the SSH port
     * @param key  the key the host presented
     */
    HostKeyVerdict verify(String host, int port, PublicKey key);

    /**
     * Key types already on record for the host, so the connection can ask the server for one of them
     * first (as OpenSSH does). Empty when the policy has no preference.
     */
    default List<String> knownKeyTypes(String host, int port) {
        return List.of();
    }

    /**
     * The known_hosts files the policy checks against, the one new keys belong in first, so a
     * message can name the files the configuration gave rather than {@code ~/.ssh/known_hosts}.
     * Empty for a policy of pinned keys.
     */
    default List<Path> knownHostsFiles() {
        return List.of();
    }

    /** What the policy checks against, for messages. */
    String describe();

    /** Strict checking against {@code ~/.ssh/known_hosts}. */
    static HostKeyPolicy strictDefault() {
        return new KnownHostsPolicy(List.of(KnownHostsPolicy.userKnownHostsFile()));
    }

    /** Strict checking against the given known_hosts files (a missing file counts as empty). */
    static HostKeyPolicy knownHosts(List<Path> files) {
        return new KnownHostsPolicy(files);
    }

    /** Only keys with these {@code SHA256:} fingerprints (or these public key lines) are accepted. */
    static HostKeyPolicy pinned(Collection<String> fingerprintsOrKeys) {
        return PinnedHostKeys.of(fingerprintsOrKeys);
    }

    /** Known keys must match; an unknown host's key is appended to {@code file} and accepted. */
    static HostKeyPolicy trustOnFirstUse(Path file) {
        return new TrustOnFirstUse(file, List.of());
    }
}
