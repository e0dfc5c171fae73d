package dev.multikernel.host.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trust on first use, only when configured: a key on record must match (a changed key is refused as
 * strictly as ever), and a host with nothing on record has its key appended to {@code file} and
 * accepted. The risk is the first connection only; after it the host is pinned by the file.
 */
public final class TrustOnFirstUse implements HostKeyPolicy {

    private static final ConcurrentHashMap<Path, Object> FILE_LOCKS = new ConcurrentHashMap<>();
    /** Keys recorded and not yet reported, so the operation that caused a recording can say so. */
    private static final java.util.concurrent.ConcurrentLinkedQueue<Recorded> RECORDED =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * A key this policy added to its file.
     *
     * @param lookup the host as known_hosts names it ({@code host} or {@code [host]:port})
     */
    public record Recorded(String lookup, String keyType, String fingerprint, Path file) {}

    /**
     * The keys recorded in {@code file} since the last call, removed from the list: the caller
     * reports them (a plan that records a key must say so, as it changes a file on disk).
     */
    public static List<Recorded> takeRecorded(Path file) {
        Path f = file.toAbsolutePath();
        List<Recorded> out = new ArrayList<>();
        for (java.util.Iterator<Recorded> it = RECORDED.iterator(); it.hasNext(); ) {
            Recorded r = it.next();
            if (r.file().equals(f)) {
                it.remove();
                out.add(r);
            }
        }
        return out;
    }

    private final Path file;
    private final KnownHostsPolicy known;

    /**
     * @param file        where new keys are appended (created with mode 0600 if missing)
     * @param alsoConsult further known_hosts files whose entries must also be respected
     */
    public TrustOnFirstUse(Path file, List<Path> alsoConsult) {
        this.file = file.toAbsolutePath();
        List<Path> all = new ArrayList<>();
        all.add(this.file);
        all.addAll(alsoConsult);
        this.known = new KnownHostsPolicy(all);
    }

    public Path file() {
        return file;
    }

    @Override
    public List<Path> knownHostsFiles() {
        return known.files();
    }

    @Override
    public HostKeyVerdict verify(String host, int port, PublicKey key) {
        synchronized (FILE_LOCKS.computeIfAbsent(file, f -> new Object())) {
            HostKeyVerdict verdict = known.verify(host, port, key);
            if (!(verdict instanceof HostKeyVerdict.Unknown)) {
                return verdict;
            }
            String line = KnownHostsFile.lineFor(host, port, Fingerprints.keyType(key), Fingerprints.blob(key));
            try {
                append(line);
            } catch (IOException e) {
                // Not recorded means not trusted: we could not honour "first use" next time.
                List<String> consulted = new ArrayList<>(((HostKeyVerdict.Unknown) verdict).consulted());
                consulted.add("trust-on-first-use could not write " + file + ": " + e.getMessage());
                return new HostKeyVerdict.Unknown(consulted, ((HostKeyVerdict.Unknown) verdict).otherKeys());
            }
            RECORDED.add(new Recorded(
                    KnownHostsFile.lookupName(host, port), Fingerprints.keyType(key), Fingerprints.sha256(key), file));
            return new HostKeyVerdict.Trusted("trust-on-first-use: recorded in " + file);
        }
    }

    private void append(String line) throws IOException {
        Path parent = file.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(
                    parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        byte[] existing = Files.readAllBytes(file);
        boolean needsNewline = existing.length > 0 && existing[existing.length - 1] != '\n';
        Files.write(
                file,
                ((needsNewline ? "\n" : "") + line + "\n").getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
    }

    @Override
    public List<String> knownKeyTypes(String host, int port) {
        return known.knownKeyTypes(host, port);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustOnFirstUse t && file.equals(t.file) && known.equals(t.known);
    }

    @Override
    public int hashCode() {
        return file.hashCode() * 31 + known.hashCode();
    }

    @Override
    public String describe() {
        return "trust-on-first-use, recording in " + file + " (" + known.describe() + ")";
    }
}
