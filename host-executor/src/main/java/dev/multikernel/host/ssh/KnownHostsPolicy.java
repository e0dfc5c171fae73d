package dev.multikernel.host.ssh;

import dev.multikernel.host.ssh.HostKeyVerdict.KnownKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Strict host key checking against OpenSSH known_hosts files (OpenSSH's
 * {@code StrictHostKeyChecking yes}): the presented key must be on record for the host.
 * {@code @cert-authority} lines are ignored (host certificates are not supported), {@code @revoked}
 * keys are refused. Files are re-read on every check, so edits take effect at the next connection.
 */
public final class KnownHostsPolicy implements HostKeyPolicy {

    private final List<Path> files;

    public KnownHostsPolicy(List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("at least one known_hosts file is needed");
        }
        this.files = List.copyOf(files);
    }

    /** {@code ~/.ssh/known_hosts} of the user running this process. */
    public static Path userKnownHostsFile() {
        return Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
    }

    public List<Path> files() {
        return files;
    }

    @Override
    public List<Path> knownHostsFiles() {
        return files;
    }

    @Override
    public HostKeyVerdict verify(String host, int port, PublicKey key) {
        byte[] blob = Fingerprints.blob(key);
        String type = Fingerprints.keyType(key);
        List<String> consulted = new ArrayList<>();
        List<KnownKey> sameType = new ArrayList<>();
        List<KnownKey> otherType = new ArrayList<>();
        boolean certAuthorityOnly = false;
        List<KnownHostsFile.Entry> matching = new ArrayList<>();
        for (Path path : files) {
            KnownHostsFile file;
            try {
                file = KnownHostsFile.read(path);
            } catch (IOException e) {
                consulted.add(path + " (unreadable: " + e.getMessage() + ")");
                continue;
            }
            consulted.add(file.describe());
            file.entries().stream().filter(e -> e.matches(host, port)).forEach(matching::add);
        }
        // a revocation wins over any line that trusts the same key, wherever it is
        for (KnownHostsFile.Entry entry : matching) {
            if (entry.marker() == KnownHostsFile.Marker.REVOKED && entry.sameKey(blob)) {
                return new HostKeyVerdict.Revoked(entry.origin());
            }
        }
        for (KnownHostsFile.Entry entry : matching) {
            if (entry.marker() == KnownHostsFile.Marker.CERT_AUTHORITY) {
                certAuthorityOnly = true;
            } else if (entry.marker() == KnownHostsFile.Marker.NONE) {
                if (entry.sameKey(blob)) {
                    return new HostKeyVerdict.Trusted("known_hosts " + entry.origin());
                }
                KnownKey known = new KnownKey(entry.keyType(), entry.fingerprint(), entry.origin());
                if (entry.keyType().equals(type)) {
                    sameType.add(known);
                } else {
                    otherType.add(known);
                }
            }
        }
        if (!sameType.isEmpty()) {
            return new HostKeyVerdict.Changed(sameType);
        }
        if (certAuthorityOnly && otherType.isEmpty()) {
            consulted.add("@cert-authority lines match this host, but host certificates are not supported: "
                    + "add the host's own key");
        }
        return new HostKeyVerdict.Unknown(consulted, otherType);
    }

    @Override
    public List<String> knownKeyTypes(String host, int port) {
        LinkedHashSet<String> types = new LinkedHashSet<>();
        for (Path path : files) {
            try {
                for (KnownHostsFile.Entry entry : KnownHostsFile.read(path).entries()) {
                    if (entry.marker() == KnownHostsFile.Marker.NONE && entry.matches(host, port)) {
                        types.add(entry.keyType());
                    }
                }
            } catch (IOException e) {
                // reported by verify(); a preference is only a hint
            }
        }
        return List.copyOf(types);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KnownHostsPolicy k && files.equals(k.files);
    }

    @Override
    public int hashCode() {
        return files.hashCode();
    }

    @Override
    public String describe() {
        return "known_hosts files " + files.stream().map(Path::toString).collect(Collectors.joining(", "));
    }
}
