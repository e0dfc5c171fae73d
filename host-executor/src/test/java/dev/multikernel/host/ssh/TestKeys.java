package dev.multikernel.host.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** User key pairs made with ssh-keygen, once per test JVM. */
final class TestKeys {

    static final String PASSPHRASE = "correct horse battery staple";

    private static TestKeys instance;

    final Path dir;
    final Path ed25519;
    final Path ecdsa;
    final Path rsa;
    final Path rsaPem;
    final Path ed25519Encrypted;
    final Path ecdsaPemEncrypted;
    final Path stranger;

    private TestKeys(Path dir) {
        this.dir = dir;
        ed25519 = make(dir, "id_ed25519", "ed25519", "", false);
        ecdsa = make(dir, "id_ecdsa", "ecdsa", "", false);
        rsa = make(dir, "id_rsa", "rsa", "", false);
        rsaPem = make(dir, "id_rsa_pem", "rsa", "", true);
        ed25519Encrypted = make(dir, "id_ed25519_enc", "ed25519", PASSPHRASE, false);
        ecdsaPemEncrypted = make(dir, "id_ecdsa_pem_enc", "ecdsa", PASSPHRASE, true);
        stranger = make(dir, "id_stranger", "ed25519", "", false);
    }

    static synchronized TestKeys get() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("mk-keys-");
                instance = new TestKeys(dir);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return instance;
    }

    private static Path make(Path dir, String name, String type, String passphrase, boolean pem) {
        Path key = dir.resolve(name);
        if (!Files.exists(key)) {
            if (pem) {
                Cmd.ok("ssh-keygen", "-q", "-t", type, "-m", "PEM", "-N", passphrase, "-C", name, "-f", key.toString());
            } else {
                Cmd.ok("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", name, "-f", key.toString());
            }
        }
        return key;
    }

    static String publicLine(Path privateKey) {
        try {
            return Files.readString(Path.of(privateKey + ".pub")).strip();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** What ssh-keygen -l prints as the fingerprint of a public key file. */
    static String fingerprintOf(Path publicKeyFile) {
        return Cmd.ok("ssh-keygen", "-l", "-E", "sha256", "-f", publicKeyFile.toString())
                .split(" ")[1];
    }
}
