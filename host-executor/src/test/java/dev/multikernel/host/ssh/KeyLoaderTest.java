package dev.multikernel.host.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A malformed private key is reported by what is wrong with it, never by quoting it: the key
 * parser's messages carry decoded key bytes ("Mismatched magic marker value: 48:40:91:..."), which
 * must not reach a message (issue #15).
 */
class KeyLoaderTest {
    private static final String SUPPORTED =
            ". Give the whole text of an ed25519, ECDSA or RSA private key file in OpenSSH or PEM format";
    private static final Pattern HEX_BYTES = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){2,}");

    private static Optional<String> problem(String text) {
        return new AuthSource.PrivateKeyText("private_key", text, Optional.empty()).problem();
    }

    /** Every run of 6 characters of the key's body: none may appear in a message. */
    private static List<String> fragments(String text) {
        String body = text.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 6 <= body.length(); i++) {
            out.add(body.substring(i, i + 6));
        }
        return out;
    }

    private static void quotesNothingOf(String message, String key) {
        assertThat(message).doesNotContainPattern(HEX_BYTES);
        for (String f : fragments(key)) {
            assertThat(message).as("a fragment of the key").doesNotContain(f);
        }
    }

    private static String damaged(String key) throws Exception {
        // Keep the base64 alphabet and length, change the decoded bytes: the magic marker and lengths break.
        String[] lines = key.split("\n");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i > 0 && i < 3) {
                line = new StringBuilder(line).reverse().toString();
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    @Test
    void aKeyWithDamagedBytesSaysSoAndQuotesNone() throws Exception {
        String key = Files.readString(TestKeys.get().ed25519);
        String bad = damaged(key);
        String message = problem(bad).orElseThrow();
        assertThat(message)
                .isEqualTo("private_key is not a valid OpenSSH/PEM private key: its key data is damaged or of an"
                        + " unsupported kind" + SUPPORTED);
        quotesNothingOf(message, bad);
    }

    @Test
    void theMagicMarkerCaseOfTheIssue() {
        // An OpenSSH envelope whose body decodes to bytes that are not "openssh-key-v1\0".
        String body = Base64.getEncoder().encodeToString(new byte[] {
            0x48,
            0x40,
            (byte) 0x91,
            0x12,
            0x34,
            0x56,
            0x78,
            0x11,
            0x22,
            0x33,
            0x44,
            0x55,
            0x66,
            0x77,
            (byte) 0x88,
            (byte) 0x99,
            0x01,
            0x02,
            0x03,
            0x04,
            0x05
        });
        String bad = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "\n-----END OPENSSH PRIVATE KEY-----\n";
        String message = problem(bad).orElseThrow();
        assertThat(message)
                .doesNotContain("48:40:91")
                .doesNotContain("Mismatched")
                .doesNotContain("magic");
        assertThat(message)
                .isEqualTo("private_key is not a valid OpenSSH/PEM private key: its key data is damaged or of an"
                        + " unsupported kind" + SUPPORTED);
        quotesNothingOf(message, bad);
    }

    @Test
    void aDamagedPemKey() throws Exception {
        String bad = damaged(Files.readString(TestKeys.get().rsaPem));
        String message = problem(bad).orElseThrow();
        assertThat(message).startsWith("private_key is not a valid OpenSSH/PEM private key: ");
        quotesNothingOf(message, bad);
    }

    @Test
    void aKeyCutShort() throws Exception {
        String key = Files.readString(TestKeys.get().ecdsa);
        String bad = key.substring(0, key.length() / 2);
        String message = problem(bad).orElseThrow();
        assertThat(message)
                .isEqualTo("private_key is not a valid OpenSSH/PEM private key: its \"-----END OPENSSH PRIVATE"
                        + " KEY-----\" line is missing (is the text cut short?)" + SUPPORTED);
        quotesNothingOf(message, bad);
    }

    @Test
    void aBodyThatIsNotBase64() {
        String bad =
                "-----BEGIN OPENSSH PRIVATE KEY-----\nthis is %% not base64 at all!\n-----END OPENSSH PRIVATE KEY-----";
        String message = problem(bad).orElseThrow();
        assertThat(message)
                .isEqualTo("private_key is not a valid OpenSSH/PEM private key: the text between its BEGIN and END"
                        + " lines is not base64 (damaged, or lines are missing)" + SUPPORTED);
        assertThat(message).doesNotContain("not base64 at all");
    }

    @Test
    void aPublicKeyIsNotAPrivateKey() {
        String bad =
                "-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEA+xGZ/wcz9ugFpP07Nspo6U17l0YhFiFpxxU4pTk3Lifz9R3zsIsu\n"
                        + "-----END RSA PUBLIC KEY-----\n";
        String message = problem(bad).orElseThrow();
        assertThat(message)
                .isEqualTo("private_key is not a valid OpenSSH/PEM private key: it is a RSA PUBLIC KEY, not a private"
                        + " key" + SUPPORTED);
        quotesNothingOf(message, bad);
    }

    @Test
    void anEmptyBody() {
        assertThat(problem("-----BEGIN OPENSSH PRIVATE KEY-----\n-----END OPENSSH PRIVATE KEY-----\n"))
                .contains("private_key is not a valid OpenSSH/PEM private key: there is nothing between its BEGIN and"
                        + " END lines" + SUPPORTED);
    }

    @Test
    void goodKeysHaveNoProblemAndEncryptedOnesNeedTheirPassphrase() throws Exception {
        TestKeys keys = TestKeys.get();
        for (var k : List.of(keys.ed25519, keys.ecdsa, keys.rsa, keys.rsaPem)) {
            assertThat(problem(Files.readString(k))).as(k.toString()).isEmpty();
        }
        String encrypted = Files.readString(keys.ed25519Encrypted);
        assertThat(problem(encrypted))
                .contains("private key private_key is encrypted: configure its passphrase, or load it into ssh-agent"
                        + " (ssh-add) and use the agent");
        assertThat(new AuthSource.PrivateKeyText("private_key", encrypted, Optional.of("wrong")).problem())
                .contains("cannot decrypt private key private_key: the passphrase is wrong");
        assertThat(new AuthSource.PrivateKeyText("private_key", encrypted, Optional.of(TestKeys.PASSPHRASE)).problem())
                .isEmpty();
    }

    @Test
    void theExceptionAtConnectTimeCarriesNoCauseThatCouldQuoteTheKey() throws Exception {
        String bad = damaged(Files.readString(TestKeys.get().ed25519));
        try {
            KeyLoader.load(new AuthSource.PrivateKeyText("private_key", bad, Optional.empty()), "h1");
            throw new AssertionError("loaded a damaged key");
        } catch (LocalConfigurationException e) {
            assertThat(e.getCause()).isNull();
            quotesNothingOf(e.getMessage(), bad);
        }
    }
}
