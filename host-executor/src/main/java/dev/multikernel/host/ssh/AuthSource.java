package dev.multikernel.host.ssh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where credentials come from. A connection tries its sources in order (keys and agent keys by
 * public key authentication, then passwords). Secrets never appear in {@code toString()}.
 */
public sealed interface AuthSource {

    /**
     * A private key file: ed25519, ECDSA or RSA (signed with SHA-2 only), in OpenSSH or PEM format.
     *
     * @param path       the file
     * @param passphrase its passphrase when it is encrypted
     * @param optional   a guessed default file: skipped (and named in an authentication failure) when
     *                   it is encrypted and no passphrase is given, instead of failing
     */
    record PrivateKeyFile(Path path, Optional<String> passphrase, boolean optional) implements AuthSource {
        public PrivateKeyFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(passphrase, "passphrase");
        }

        public PrivateKeyFile(Path path) {
            this(path, Optional.empty(), false);
        }

        public PrivateKeyFile(Path path, String passphrase) {
            this(path, Optional.of(passphrase), false);
        }

        @Override
        public String toString() {
            return "PrivateKeyFile[" + path + (passphrase.isPresent() ? ", with passphrase" : "") + "]";
        }
    }

    /**
     * A private key given as text (the contents of a key file), for example from a CI secret.
     *
     * @param name       how it appears in messages (never the key itself)
     */
    record PrivateKeyText(String name, String text, Optional<String> passphrase) implements AuthSource {
        public PrivateKeyText {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(passphrase, "passphrase");
        }

        /**
         * Why the key cannot be used (not a key, damaged, encrypted without its passphrase, a wrong
         * passphrase, DSA), in a message that names it by {@link #name()} and quotes none of it;
         * empty when it decodes. Checks the text only: nothing is read from disk or the network.
         */
        public Optional<String> problem() {
            try {
                KeyLoader.load(this, name);
                return Optional.empty();
            } catch (LocalConfigurationException e) {
                return Optional.of(e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "PrivateKeyText[" + name + (passphrase.isPresent() ? ", with passphrase" : "") + "]";
        }
    }

    /**
     * The keys held by an ssh-agent.
     *
     * @param socket the agent's unix socket; empty: {@code SSH_AUTH_SOCK} of this process
     */
    record Agent(Optional<Path> socket) implements AuthSource {
        public Agent {
            Objects.requireNonNull(socket, "socket");
        }

        /** The agent named by {@code SSH_AUTH_SOCK}. */
        public static Agent fromEnvironment() {
            return new Agent(Optional.empty());
        }
    }

    /** A password; used only when configured explicitly. */
    record Password(String password) implements AuthSource {
        public Password {
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Password[***]";
        }
    }

    /**
     * What OpenSSH would try without configuration: the agent (when {@code SSH_AUTH_SOCK} is set),
     * then {@code ~/.ssh/id_ed25519}, {@code id_ecdsa} and {@code id_rsa} where they exist.
     */
    static List<AuthSource> defaults() {
        return defaults(Optional.empty());
    }

    /** Like {@link #defaults()}, with the agent at {@code agentSocket} when given. */
    static List<AuthSource> defaults(Optional<Path> agentSocket) {
        List<AuthSource> sources = new ArrayList<>();
        String sock = System.getenv("SSH_AUTH_SOCK");
        if (agentSocket.isPresent()) {
            sources.add(new Agent(agentSocket));
        } else if (sock != null && !sock.isBlank()) {
            sources.add(Agent.fromEnvironment());
        }
        Path dir = Path.of(System.getProperty("user.home"), ".ssh");
        for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
            Path key = dir.resolve(name);
            if (Files.isRegularFile(key)) {
                sources.add(new PrivateKeyFile(key, Optional.empty(), true));
            }
        }
        return List.copyOf(sources);
    }
}
