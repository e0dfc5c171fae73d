package dev.multikernel.host.ssh;

import dev.multikernel.host.ssh.HostKeyVerdict.KnownKey;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.stream.Collectors;

/** The messages of a refused host key: what was presented, what was expected, what to do. */
final class HostKeyMessages {

    private HostKeyMessages() {}

    static HostKeyRejectedException rejected(Target target, HostKeyVerdict verdict, PublicKey key) {
        String type = Fingerprints.keyType(key);
        String fp = Fingerprints.sha256(key);
        String where = target.hostName() + " port " + target.port();
        String lookup = KnownHostsFile.lookupName(target.hostName(), target.port());
        // The file the configuration names (where the old key was, for a changed one), not ~/.ssh/known_hosts.
        String file = verdict instanceof HostKeyVerdict.Changed c
                ? c.expected().stream()
                        .filter(k -> !"pinned".equals(k.origin()))
                        .map(k -> k.origin().replaceFirst(":\\d+$", ""))
                        .findFirst()
                        .orElse(null)
                : null;
        if (file == null) {
            file = target.hostKeys().knownHostsFiles().stream()
                    .findFirst()
                    .map(Path::toString)
                    .orElse("~/.ssh/known_hosts");
        }
        String keyscan = "ssh-keyscan -p " + target.port() + " -t " + Fingerprints.keyscanType(type) + " "
                + target.hostName() + " >> " + file;
        String verifyHint = "compare it with the output of `ssh-keygen -lf /etc/ssh/ssh_host_"
                + Fingerprints.keyscanType(type) + "_key.pub` run on the host itself";
        StringBuilder m = new StringBuilder();
        if (verdict instanceof HostKeyVerdict.Unknown u) {
            m.append("SSH host key verification failed for ")
                    .append(where)
                    .append(": the host is not known, so the connection was refused.\n")
                    .append("  The host presented: ")
                    .append(type)
                    .append(' ')
                    .append(fp)
                    .append('\n')
                    .append("  Checked: ")
                    .append(String.join("; ", u.consulted()))
                    .append('\n');
            if (!u.otherKeys().isEmpty()) {
                m.append("  On record for this host with other key types: ")
                        .append(list(u))
                        .append('\n');
            }
            m.append("If this is the right host (")
                    .append(verifyHint)
                    .append("), either:\n")
                    .append("  - add it to a known_hosts file: ")
                    .append(keyscan)
                    .append('\n')
                    .append("  - or pin its fingerprint in the configuration: ")
                    .append(fp)
                    .append('\n')
                    .append("  - or, knowingly, enable trust-on-first-use for this host.");
        } else if (verdict instanceof HostKeyVerdict.Changed c) {
            m.append("SSH host key verification failed for ")
                    .append(where)
                    .append(": the host key has CHANGED, so the connection was refused. ")
                    .append("Either the host was reinstalled or re-keyed, or someone is intercepting the "
                            + "connection.\n")
                    .append("  The host presented: ")
                    .append(type)
                    .append(' ')
                    .append(fp)
                    .append('\n');
            for (KnownKey k : c.expected()) {
                m.append("  Expected:            ")
                        .append("any".equals(k.keyType()) ? "" : k.keyType() + " ")
                        .append(k.fingerprint())
                        .append(" (")
                        .append(k.origin())
                        .append(")\n");
            }
            m.append("If the change is expected (").append(verifyHint).append("):\n");
            boolean fromFile = c.expected().stream().anyMatch(k -> !"pinned".equals(k.origin()));
            if (fromFile) {
                for (String old : c.expected().stream()
                        .filter(k -> !"pinned".equals(k.origin()))
                        .map(k -> k.origin().replaceFirst(":\\d+$", ""))
                        .distinct()
                        .toList()) {
                    m.append("  - remove the old entry: ssh-keygen -R '")
                            .append(lookup)
                            .append("' -f ")
                            .append(old)
                            .append('\n');
                }
                m.append("  - then add the new key: ").append(keyscan);
            } else {
                m.append("  - replace the pinned fingerprint with ").append(fp);
            }
        } else if (verdict instanceof HostKeyVerdict.Revoked r) {
            m.append("SSH host key verification failed for ")
                    .append(where)
                    .append(": the key it presented (")
                    .append(type)
                    .append(' ')
                    .append(fp)
                    .append(") is marked @revoked in ")
                    .append(r.origin())
                    .append("; the connection was refused. The host must be given a new key.");
        } else {
            throw new IllegalArgumentException("a trusted key is not rejected");
        }
        if (target.jump().isPresent()) {
            m.append("\n(The connection went through the bastion ")
                    .append(target.jump().get().describe())
                    .append("; the key above is the target's, as seen through it.)");
        }
        return new HostKeyRejectedException(target.describe(), m.toString(), verdict, fp);
    }

    private static String list(HostKeyVerdict.Unknown u) {
        return u.otherKeys().stream()
                .map(k -> k.keyType() + " " + k.fingerprint() + " (" + k.origin() + ")")
                .collect(Collectors.joining(", "));
    }
}
