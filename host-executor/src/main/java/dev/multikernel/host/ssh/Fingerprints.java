package dev.multikernel.host.ssh;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Locale;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** SSH key fingerprints and key lines in the forms OpenSSH prints. */
public final class Fingerprints {

    private Fingerprints() {}

    /** {@code SHA256:<base64 without padding>} of the key's wire encoding, as {@code ssh-keygen -l} prints. */
    public static String sha256(PublicKey key) {
        return sha256(blob(key));
    }

    /** {@code SHA256:...} of a key blob (the base64-decoded second field of a public key line). */
    public static String sha256(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The key's wire encoding (what a public key line carries in base64). */
    public static byte[] blob(PublicKey key) {
        return Base64.getDecoder().decode(publicKeyLine(key).split(" ")[1]);
    }

    /** {@code ssh-ed25519 AAAA...}: the key as in an authorized_keys or known_hosts line. */
    public static String publicKeyLine(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }

    /** The SSH key type name: {@code ssh-ed25519}, {@code ecdsa-sha2-nistp256}, {@code ssh-rsa}, ... */
    public static String keyType(PublicKey key) {
        return KeyUtils.getKeyType(key);
    }

    /** Normalises a user-written fingerprint: {@code SHA256:} prefix, no base64 padding. */
    public static String normalise(String fingerprint) {
        String f = fingerprint.strip();
        if (f.regionMatches(true, 0, "SHA256:", 0, 7)) {
            f = f.substring(7);
        }
        while (f.endsWith("=")) {
            f = f.substring(0, f.length() - 1);
        }
        return "SHA256:" + f;
    }

    /** Whether the text looks like a SHA256 fingerprint (43 base64 characters after the prefix). */
    public static boolean isSha256Fingerprint(String text) {
        String n = normalise(text);
        return n.length() == 7 + 43 && n.substring(7).matches("[A-Za-z0-9+/]{43}");
    }

    /** The {@code -t} argument of {@code ssh-keyscan} for a key type. */
    static String keyscanType(String keyType) {
        String t = keyType.toLowerCase(Locale.ROOT);
        if (t.contains("ed25519")) {
            return "ed25519";
        }
        if (t.startsWith("ecdsa")) {
            return "ecdsa";
        }
        if (t.contains("rsa")) {
            return "rsa";
        }
        return t;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
