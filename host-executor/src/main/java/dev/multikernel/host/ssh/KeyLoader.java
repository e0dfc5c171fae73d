package dev.multikernel.host.ssh;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.security.SecurityUtils;

/** Reads private keys (OpenSSH and PEM formats, encrypted or not) for public key authentication. */
final class KeyLoader {

    /** A key file larger than this is not a key file. */
    private static final long MAX_KEY_BYTES = 1 << 20;

    /** What loading one source gave: keys, or the reason an optional source was skipped. */
    record Loaded(List<KeyPair> keys, Optional<String> skipped) {}

    private KeyLoader() {}

    static Loaded load(AuthSource.PrivateKeyFile source, String host) throws LocalConfigurationException {
        byte[] bytes;
        try {
            if (Files.size(source.path()) > MAX_KEY_BYTES) {
                throw new LocalConfigurationException(
                        host,
                        "private key file " + source.path() + " is larger than " + MAX_KEY_BYTES
                                + " bytes: it is not a key file");
            }
            bytes = Files.readAllBytes(source.path());
        } catch (NoSuchFileException e) {
            if (source.optional()) {
                return new Loaded(List.of(), Optional.of(source.path() + " does not exist"));
            }
            throw new LocalConfigurationException(
                    host,
                    "private key file " + source.path() + " does not exist: check the path in the configuration",
                    e);
        } catch (IOException e) {
            throw new LocalConfigurationException(
                    host,
                    "cannot read private key file " + source.path() + ": " + e.getMessage()
                            + " (check its permissions)",
                    e);
        }
        return decode(source.path().toString(), bytes, source.passphrase(), source.optional(), host);
    }

    static Loaded load(AuthSource.PrivateKeyText source, String host) throws LocalConfigurationException {
        return decode(source.name(), source.text().getBytes(StandardCharsets.UTF_8), source.passphrase(), false, host);
    }

    /**
     * What is wrong with a key's text, in words that quote none of it: the parser's own messages
     * carry decoded key bytes ("Mismatched magic marker value: 48:40:91:..."), so they are never
     * shown, logged or kept as a cause.
     */
    static String whatIsWrong(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        java.util.regex.Matcher begin =
                java.util.regex.Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----").matcher(text);
        if (!begin.find()) {
            return "it has no \"-----BEGIN ... PRIVATE KEY-----\" line";
        }
        String label = begin.group(1);
        if (!label.endsWith("PRIVATE KEY")) {
            return "it is a " + label + ", not a private key";
        }
        int end = text.indexOf("-----END " + label + "-----", begin.end());
        if (end < 0) {
            return "its \"-----END " + label + "-----\" line is missing (is the text cut short?)";
        }
        String body = text.substring(begin.end(), end)
                .lines()
                .filter(l -> !l.contains(":")) // PEM headers such as Proc-Type and DEK-Info
                .collect(java.util.stream.Collectors.joining())
                .replaceAll("\\s", "");
        if (body.isEmpty()) {
            return "there is nothing between its BEGIN and END lines";
        }
        if (!body.matches("[A-Za-z0-9+/]*={0,2}") || body.length() % 4 != 0) {
            return "the text between its BEGIN and END lines is not base64 (damaged, or lines are missing)";
        }
        return "its key data is damaged or of an unsupported kind";
    }

    private static Loaded decode(String name, byte[] bytes, Optional<String> passphrase, boolean optional, String host)
            throws LocalConfigurationException {
        AtomicBoolean asked = new AtomicBoolean();
        FilePasswordProvider passwords = (session, resource, retryIndex) -> {
            asked.set(true);
            return passphrase.orElse(null);
        };
        Iterable<KeyPair> pairs;
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(name), in, passwords);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // The exception is dropped on purpose: its message may quote decoded key bytes.
            if (asked.get() && passphrase.isEmpty()) {
                if (optional) {
                    return new Loaded(List.of(), Optional.of(name + " is encrypted and no passphrase is configured"));
                }
                throw new LocalConfigurationException(
                        host,
                        "private key " + name + " is encrypted: configure its "
                                + "passphrase, or load it into ssh-agent (ssh-add) and use the agent");
            }
            if (asked.get()) {
                throw new LocalConfigurationException(
                        host, "cannot decrypt private key " + name + ": the passphrase is wrong");
            }
            throw new LocalConfigurationException(host, notAKey(name, bytes));
        }
        List<KeyPair> keys = new ArrayList<>();
        if (pairs != null) {
            for (KeyPair pair : pairs) {
                String type = KeyUtils.getKeyType(pair);
                if (KeyUtils.DSS_ALGORITHM.equals(pair.getPublic().getAlgorithm()) || "ssh-dss".equals(type)) {
                    throw new LocalConfigurationException(
                            host,
                            "private key " + name + " is a DSA key; DSA is "
                                    + "not supported (OpenSSH removed it): use an ed25519 key");
                }
                keys.add(pair);
            }
        }
        if (keys.isEmpty()) {
            if (asked.get() && passphrase.isEmpty()) {
                if (optional) {
                    return new Loaded(List.of(), Optional.of(name + " is encrypted and no passphrase is configured"));
                }
                throw new LocalConfigurationException(
                        host,
                        "private key " + name + " is encrypted: configure its "
                                + "passphrase, or load it into ssh-agent (ssh-add) and use the agent");
            }
            throw new LocalConfigurationException(host, notAKey(name, bytes));
        }
        return new Loaded(keys, Optional.empty());
    }

    private static String notAKey(String name, byte[] bytes) {
        return name + " is not a valid OpenSSH/PEM private key: " + whatIsWrong(bytes)
                + ". Give the whole text of an ed25519, ECDSA or RSA private key file in OpenSSH or PEM format";
    }
}
