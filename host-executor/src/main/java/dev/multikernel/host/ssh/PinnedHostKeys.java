package dev.multikernel.host.ssh;

import dev.multikernel.host.ssh.HostKeyVerdict.KnownKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Accepts only keys whose SHA256 fingerprint is pinned in configuration. Pins can be written as
 * {@code SHA256:...} (as {@code ssh-keygen -lf} prints them) or as a public key line
 * ({@code ssh-ed25519 AAAA...}). Any other key is a changed key.
 */
public final class PinnedHostKeys implements HostKeyPolicy {

    private final Set<String> fingerprints;
    /** Key types of pins written as key lines: asked for first in the negotiation. */
    private final List<String> keyTypes;

    private PinnedHostKeys(Set<String> fingerprints, List<String> keyTypes) {
        this.fingerprints = Set.copyOf(fingerprints);
        this.keyTypes = List.copyOf(keyTypes);
    }

    /**
     * @throws IllegalArgumentException when a pin is neither a SHA256 fingerprint nor a public key line
     */
    public static PinnedHostKeys of(Collection<String> pins) {
        if (pins.isEmpty()) {
            throw new IllegalArgumentException("at least one pinned host key is needed");
        }
        Set<String> fps = new LinkedHashSet<>();
        Set<String> types = new LinkedHashSet<>();
        for (String pin : pins) {
            fps.add(toFingerprint(pin));
            String[] fields = pin.strip().split("[ \t]+");
            if (fields.length >= 2 && !Fingerprints.isSha256Fingerprint(pin)) {
                types.add(fields[0]);
            }
        }
        return new PinnedHostKeys(fps, List.copyOf(types));
    }

    private static String toFingerprint(String pin) {
        String p = pin.strip();
        if (Fingerprints.isSha256Fingerprint(p)) {
            return Fingerprints.normalise(p);
        }
        String[] fields = p.split("[ \t]+");
        if (fields.length >= 2) {
            try {
                return Fingerprints.sha256(Base64.getDecoder().decode(fields[1]));
            } catch (IllegalArgumentException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("'" + pin + "' is not a host key pin: write the fingerprint as "
                + "ssh-keygen -lf prints it (SHA256:<43 base64 characters>) or the public key line "
                + "(ssh-ed25519 AAAA...)");
    }

    public Set<String> fingerprints() {
        return fingerprints;
    }

    @Override
    public HostKeyVerdict verify(String host, int port, PublicKey key) {
        String presented = Fingerprints.sha256(key);
        if (fingerprints.contains(presented)) {
            return new HostKeyVerdict.Trusted("pinned fingerprint " + presented);
        }
        List<KnownKey> expected =
                fingerprints.stream().map(f -> new KnownKey("any", f, "pinned")).toList();
        return new HostKeyVerdict.Changed(expected);
    }

    @Override
    public List<String> knownKeyTypes(String host, int port) {
        return keyTypes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PinnedHostKeys p && fingerprints.equals(p.fingerprints);
    }

    @Override
    public int hashCode() {
        return fingerprints.hashCode();
    }

    @Override
    public String describe() {
        return "pinned host key fingerprints " + String.join(", ", fingerprints);
    }
}
