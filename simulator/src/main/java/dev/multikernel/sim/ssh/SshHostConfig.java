package dev.multikernel.sim.ssh;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;

/**
 * Everything one host's SSH server needs.
 *
 * @param hostName       the simulated host's name (environment variable {@code MULTIKERNEL_SIM_HOST})
 * @param port           TCP port on 127.0.0.1; 0 picks a free one
 * @param hostKey        the server's host key pair
 * @param users          login names accepted; {@code root} is privileged, the others are not
 * @param authorizedKeys public keys accepted for every user (public-key authentication only)
 * @param homesDir       each user's home is {@code homesDir/<user>}: the working directory of
 *                       commands and the starting directory of SFTP
 * @param binDir         put first on {@code PATH} (holds the {@code sudo} stand-in)
 * @param environment    added to the environment of every process (for example
 *                       {@code MKCTL_SIM_SOCKET}); clients cannot override these
 */
public record SshHostConfig(
        String hostName,
        int port,
        KeyPair hostKey,
        List<String> users,
        List<PublicKey> authorizedKeys,
        Path homesDir,
        Path binDir,
        Map<String, String> environment) {

    public SshHostConfig {
        if (hostName.isBlank()) {
            throw new IllegalArgumentException("host name must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException("at least one user is needed");
        }
        for (String user : users) {
            if (!user.matches("[a-z_][a-z0-9_-]{0,31}")) {
                throw new IllegalArgumentException("'" + user + "' is not a valid user name "
                        + "(lower-case letters, digits, '_' and '-', starting with a letter or '_')");
            }
        }
        users = List.copyOf(users);
        authorizedKeys = List.copyOf(authorizedKeys);
        environment = Map.copyOf(environment);
    }

    /** The home directory of {@code user}. */
    public Path homeOf(String user) {
        return homesDir.resolve(user);
    }
}
