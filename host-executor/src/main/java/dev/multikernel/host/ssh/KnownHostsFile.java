package dev.multikernel.host.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An OpenSSH known_hosts file, read line by line: plain and hashed ({@code |1|salt|hash}) host
 * fields, {@code [host]:port} names, wildcards ({@code *}, {@code ?}) and negations ({@code !}),
 * {@code @revoked} and {@code @cert-authority} markers. Lines that cannot be read are skipped (and
 * counted), never fatal: one bad line must not lock a user out of every host.
 */
public final class KnownHostsFile {

    /** A known_hosts file larger than this is not read (it is certainly not a known_hosts file). */
    static final long MAX_FILE_BYTES = 16L << 20;

    private static final int MAX_LINE_CHARS = 64 * 1024;

    /** The marker in front of a line. */
    public enum Marker {
        NONE,
        REVOKED,
        CERT_AUTHORITY
    }

    /**
     * One usable line.
     *
     * @param marker   {@code @revoked}, {@code @cert-authority} or none
     * @param hosts    the host field as written (a pattern list or a hashed name)
     * @param keyType  the key type field
     * @param blob     the decoded key
     * @param origin   {@code file:line}
     */
    public record Entry(Marker marker, String hosts, String keyType, byte[] blob, String origin) {

        public Entry {
            blob = blob.clone();
        }

        @Override
        public byte[] blob() {
            return blob.clone();
        }

        boolean sameKey(byte[] other) {
            return MessageDigest.isEqual(blob, other);
        }

        public String fingerprint() {
            return Fingerprints.sha256(blob);
        }

        /** Whether this line names {@code host} on {@code port} (the lookup name OpenSSH uses). */
        public boolean matches(String host, int port) {
            String name = lookupName(host, port);
            if (hosts.startsWith("|1|")) {
                return hashedMatches(hosts, name);
            }
            boolean positive = false;
            for (String pattern : hosts.split(",")) {
                if (pattern.isEmpty()) {
                    continue;
                }
                boolean negated = pattern.startsWith("!");
                String p = (negated ? pattern.substring(1) : pattern).toLowerCase(Locale.ROOT);
                if (wildcardMatches(p, name)) {
                    if (negated) {
                        return false;
                    }
                    positive = true;
                }
            }
            return positive;
        }
    }

    private final Path path;
    private final boolean present;
    private final List<Entry> entries;
    private final int skippedLines;

    private KnownHostsFile(Path path, boolean present, List<Entry> entries, int skippedLines) {
        this.path = path;
        this.present = present;
        this.entries = List.copyOf(entries);
        this.skippedLines = skippedLines;
    }

    /** Reads the file; a missing file is an empty one. */
    public static KnownHostsFile read(Path path) throws IOException {
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            return new KnownHostsFile(path, false, List.of(), 0);
        }
        if (size > MAX_FILE_BYTES) {
            throw new IOException("known_hosts file " + path + " is " + size + " bytes, more than the " + MAX_FILE_BYTES
                    + " bytes accepted");
        }
        String text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
        return parse(path, text);
    }

    /** Parses known_hosts text; {@code path} only names the origin of entries. */
    public static KnownHostsFile parse(Path path, String text) {
        List<Entry> entries = new ArrayList<>();
        int skipped = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Optional<Entry> entry =
                    line.length() > MAX_LINE_CHARS ? Optional.empty() : parseLine(line, path + ":" + (i + 1));
            if (entry.isPresent()) {
                entries.add(entry.get());
            } else {
                skipped++;
            }
        }
        return new KnownHostsFile(path, true, entries, skipped);
    }

    private static Optional<Entry> parseLine(String line, String origin) {
        String[] fields = line.split("[ \t]+");
        int at = 0;
        Marker marker = Marker.NONE;
        if (fields[0].startsWith("@")) {
            switch (fields[0].toLowerCase(Locale.ROOT)) {
                case "@revoked" -> marker = Marker.REVOKED;
                case "@cert-authority" -> marker = Marker.CERT_AUTHORITY;
                default -> {
                    return Optional.empty();
                }
            }
            at = 1;
        }
        if (fields.length < at + 3) {
            return Optional.empty();
        }
        String hosts = fields[at];
        String keyType = fields[at + 1];
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(fields[at + 2]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!blobNamesType(blob, keyType)) {
            return Optional.empty();
        }
        return Optional.of(new Entry(marker, hosts, keyType, blob, origin));
    }

    /** The key blob starts with its own type name; a line whose fields disagree is corrupt. */
    private static boolean blobNamesType(byte[] blob, String keyType) {
        if (blob.length < 4) {
            return false;
        }
        int len = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
        if (len < 0 || len > blob.length - 4) {
            return false;
        }
        return new String(blob, 4, len, StandardCharsets.US_ASCII).equals(keyType);
    }

    /** The name OpenSSH looks up: {@code host} on port 22, {@code [host]:port} otherwise. */
    public static String lookupName(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        return port == 22 ? h : "[" + h + "]:" + port;
    }

    static boolean hashedMatches(String hashed, String name) {
        String[] parts = hashed.split("\\|");
        // "", "1", salt, hash
        if (parts.length != 4) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            return MessageDigest.isEqual(expected, mac.doFinal(name.getBytes(StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | NoSuchAlgorithmException | InvalidKeyException e) {
            return false;
        }
    }

    /** {@code *} and {@code ?} wildcards, iteratively (no backtracking blow-up on long names). */
    static boolean wildcardMatches(String pattern, String name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int mark = 0;
        while (n < name.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
                p++;
                n++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = n;
            } else if (star >= 0) {
                p = star + 1;
                n = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    public Path path() {
        return path;
    }

    /** Whether the file exists. */
    public boolean present() {
        return present;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Lines that are neither comments nor readable entries. */
    public int skippedLines() {
        return skippedLines;
    }

    /** How this file appears in messages: its path, and "(missing)" or its entry count. */
    public String describe() {
        if (!present) {
            return path + " (missing)";
        }
        return path + " (" + entries.size() + (entries.size() == 1 ? " entry" : " entries")
                + (skippedLines > 0 ? ", " + skippedLines + " unreadable lines skipped" : "") + ")";
    }

    /** The line to append for a host's key: {@code [host]:port type base64}. */
    public static String lineFor(String host, int port, String keyType, byte[] blob) {
        return lookupName(host, port) + " " + keyType + " "
                + Base64.getEncoder().encodeToString(blob);
    }
}
