package dev.multikernel.host.ssh;

import java.util.List;

/** What a {@link HostKeyPolicy} decided about the key a host presented. */
public sealed interface HostKeyVerdict {

    /** The key is accepted. {@code reason} says on what grounds (a known_hosts line, a pin, TOFU). */
    record Trusted(String reason) implements HostKeyVerdict {}

    /**
     * Nothing on record for this host (and this key type).
     *
     * @param consulted  where the policy looked, for the message
     * @param otherKeys  keys on record for the host with a different key type
     */
    record Unknown(List<String> consulted, List<KnownKey> otherKeys) implements HostKeyVerdict {
        public Unknown {
            consulted = List.copyOf(consulted);
            otherKeys = List.copyOf(otherKeys);
        }
    }

    /** Keys are on record for the host and the presented one is not among them. */
    record Changed(List<KnownKey> expected) implements HostKeyVerdict {
        public Changed {
            expected = List.copyOf(expected);
        }
    }

    /** The presented key is marked {@code @revoked}. */
    record Revoked(String origin) implements HostKeyVerdict {}

    /**
     * A key on record.
     *
     * @param keyType     {@code ssh-ed25519}, {@code ecdsa-sha2-nistp256}, ... ({@code any} for a pin)
     * @param fingerprint {@code SHA256:...}
     * @param origin      where it is recorded: {@code file:line} or {@code pinned}
     */
    record KnownKey(String keyType, String fingerprint, String origin) {}

    default boolean trusted() {
        return this instanceof Trusted;
    }
}
