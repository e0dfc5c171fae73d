package dev.multikernel.sim.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Ed25519 key pairs in OpenSSH's own file formats, so that the files the simulator writes can be
 * used unchanged by OpenSSH's {@code ssh}, {@code scp} and {@code sftp}.
 */
public final class SshKeys {

    private static final long MAX_KEY_FILE_BYTES = 64 * 1024;

    private SshKeys() {}

    /** The file parsed but held no key. */
    private static final class NoKeyException extends IOException {
        private static final long serialVersionUID = 1L;

        NoKeyException(String message) {
            super(message);
        }
    }

    /**
     * Loads the unencrypted OpenSSH private key at {@code privateKeyFile}, or creates a new ed25519
     * pair there (mode 0600) with its public half next to it ({@code <file>.pub}, mode 0644).
     */
    public static KeyPair loadOrCreateEd25519(Path privateKeyFile, String comment) throws IOException {
        if (Files.exists(privateKeyFile)) {
            KeyPair existing = load(privateKeyFile);
            Path pub = publicKeyFile(privateKeyFile);
            if (!Files.exists(pub)) {
                AtomicFiles.write(pub, publicKeyLine(existing.getPublic(), comment) + "\n", "rw-r--r--");
            }
            return existing;
        }
        KeyPair pair;
        try {
            pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate an ed25519 key (is BouncyCastle on the class path?): " + e, e);
        }
        ByteArrayOutputStream privateBytes = new ByteArrayOutputStream();
        try {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, comment, null, privateBytes);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the ed25519 key for " + privateKeyFile + ": " + e, e);
        }
        Files.createDirectories(privateKeyFile.toAbsolutePath().getParent());
        AtomicFiles.write(privateKeyFile, privateBytes.toString(StandardCharsets.US_ASCII), "rw-------");
        AtomicFiles.write(publicKeyFile(privateKeyFile), publicKeyLine(pair.getPublic(), comment) + "\n", "rw-r--r--");
        return pair;
    }

    /** Reads one unencrypted private key in OpenSSH (or PEM) format. */
    public static KeyPair load(Path privateKeyFile) throws IOException {
        if (!Files.isRegularFile(privateKeyFile) || Files.size(privateKeyFile) > MAX_KEY_FILE_BYTES) {
            throw new IOException(privateKeyFile + " is not a private key file (missing, not a regular file or "
                    + "larger than " + MAX_KEY_FILE_BYTES + " bytes); delete it to let the simulator create a new one");
        }
        try (InputStream in = Files.newInputStream(privateKeyFile)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(
                    null, NamedResource.ofName(privateKeyFile.toString()), in, null);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it == null || !it.hasNext()) {
                throw new NoKeyException(
                        "no key found in " + privateKeyFile + "; delete it to let the simulator create a new one");
            }
            return it.next();
        } catch (NoKeyException e) {
            throw e;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IOException(
                    "cannot read the private key " + privateKeyFile + " (" + e.getMessage()
                            + "); delete it to let the simulator create a new one",
                    e);
        }
    }

    /** {@code <privateKeyFile>.pub}. */
    public static Path publicKeyFile(Path privateKeyFile) {
        return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub");
    }

    /** The key as one authorized_keys / known_hosts style line: {@code ssh-ed25519 AAAA... comment}. */
    public static String publicKeyLine(PublicKey key, String comment) {
        String line = PublicKeyEntry.toString(key);
        return comment.isBlank() ? line : line + " " + comment;
    }

    /** The key's fingerprint as OpenSSH prints it: {@code SHA256:<base64 without padding>}. */
    public static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }

    /**
     * Parses authorized_keys text (one key per line, {@code #} comments and blank lines ignored).
     *
     * @throws IllegalArgumentException naming the line when a line is not a public key
     */
    public static List<PublicKey> parseAuthorizedKeys(String text) {
        List<PublicKey> keys = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.lines().toList()) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                List<AuthorizedKeyEntry> entries = AuthorizedKeyEntry.readAuthorizedKeys(new StringReader(line), true);
                for (AuthorizedKeyEntry entry : entries) {
                    keys.add(entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING));
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new IllegalArgumentException(
                        "authorized keys line " + lineNo + " is not a public key in OpenSSH format (" + e.getMessage()
                                + ")",
                        e);
            }
        }
        return List.copyOf(keys);
    }
}
