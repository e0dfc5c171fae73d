package dev.multikernel.host.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.client.config.hosts.ConfigFileHostEntryResolver;
import org.apache.sshd.client.config.hosts.HostConfigEntry;

/**
 * Applies an OpenSSH client config file (HostName, User, Port, IdentityFile, ProxyJump) and the
 * defaults to a {@link ConnectionSpec}. Explicit values in the spec win.
 */
final class SshConfigResolver {

    /** A ProxyJump chain longer than this is certainly a loop in the config. */
    private static final int MAX_JUMPS = 8;

    private SshConfigResolver() {}

    static Target resolve(ConnectionSpec spec) throws LocalConfigurationException {
        return resolve(spec, 0);
    }

    private static Target resolve(ConnectionSpec spec, int depth) throws LocalConfigurationException {
        if (depth > MAX_JUMPS) {
            throw new LocalConfigurationException(
                    spec.describe(),
                    "the ProxyJump chain for " + spec.host() + " is longer than " + MAX_JUMPS
                            + " hops: check the ssh config for a loop");
        }
        String hostName = spec.host();
        int port = spec.port().orElse(22);
        String user = spec.user().orElse(System.getProperty("user.name"));
        List<AuthSource> auth = spec.auth();
        Optional<Target> jump = Optional.empty();
        List<String> configJumps = List.of();
        List<AuthSource> configIdentities = List.of();

        if (spec.sshConfig().isPresent() && Files.exists(spec.sshConfig().get())) {
            Path file = spec.sshConfig().get();
            HostConfigEntry entry;
            try {
                entry = new ConfigFileHostEntryResolver(file)
                        .resolveEffectiveHost(
                                spec.host(),
                                spec.port().orElse(0),
                                null,
                                spec.user().orElse(null),
                                null,
                                null);
            } catch (IOException | RuntimeException e) {
                throw new LocalConfigurationException(
                        spec.describe(),
                        "cannot read the ssh config file " + file + ": " + e.getMessage()
                                + ". Fix the file or do not use it for this host.",
                        e);
            }
            if (entry != null) {
                if (entry.getHostName() != null && !entry.getHostName().isBlank()) {
                    hostName = entry.getHostName();
                }
                if (spec.port().isEmpty() && entry.getPort() > 0) {
                    port = entry.getPort();
                }
                if (spec.user().isEmpty()
                        && entry.getUsername() != null
                        && !entry.getUsername().isBlank()) {
                    user = entry.getUsername();
                }
                List<AuthSource> ids = new ArrayList<>();
                for (String identity : entry.getIdentities() == null ? List.<String>of() : entry.getIdentities()) {
                    ids.add(new AuthSource.PrivateKeyFile(expandHome(identity), Optional.empty(), true));
                }
                configIdentities = ids;
                String pj = entry.getProxyJump();
                if (pj != null && !pj.isBlank() && !"none".equalsIgnoreCase(pj.strip())) {
                    configJumps = List.of(pj.strip().split("\\s*,\\s*"));
                }
            }
        }
        if (auth.isEmpty()) {
            List<AuthSource> sources = new ArrayList<>(configIdentities);
            for (AuthSource d : AuthSource.defaults(spec.agentSocket())) {
                if (!sources.contains(d)) {
                    sources.add(d);
                }
            }
            auth = sources;
        }
        if (spec.agentSocket().isPresent()) {
            auth = auth.stream()
                    .map(a -> a instanceof AuthSource.Agent agent
                                    && agent.socket().isEmpty()
                            ? new AuthSource.Agent(spec.agentSocket())
                            : a)
                    .toList();
        }
        if (spec.proxyJump().isPresent()) {
            jump = Optional.of(resolve(spec.proxyJump().get(), depth + 1));
        } else if (!configJumps.isEmpty()) {
            // ProxyJump a,b: connect to a, then through a to b, then through b to the target.
            Optional<Target> previous = Optional.empty();
            for (String hop : configJumps) {
                ConnectionSpec hopSpec = parseJump(hop, spec);
                Target t = resolve(hopSpec, depth + 1);
                if (previous.isPresent()) {
                    t = new Target(
                            t.alias(),
                            t.hostName(),
                            t.port(),
                            t.user(),
                            t.auth(),
                            t.hostKeys(),
                            previous,
                            false,
                            t.timeouts());
                }
                previous = Optional.of(t);
            }
            jump = previous;
        }
        if (auth.isEmpty()) {
            throw new LocalConfigurationException(
                    user + "@" + hostName + ":" + port,
                    "no credentials for "
                            + user + "@" + hostName + ": configure a private key, ssh-agent (SSH_AUTH_SOCK is not set) "
                            + "or a password; no default key (~/.ssh/id_ed25519, id_ecdsa, id_rsa) exists");
        }
        return new Target(spec.host(), hostName, port, user, auth, spec.hostKeys(), jump, spec.sudo(), spec.timeouts());
    }

    /** {@code [user@]host[:port]} of a ProxyJump hop; it inherits the target's credentials and policy. */
    private static ConnectionSpec parseJump(String hop, ConnectionSpec target) throws LocalConfigurationException {
        String rest = hop;
        ConnectionSpec.Builder b;
        String user = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            user = rest.substring(0, at);
            rest = rest.substring(at + 1);
        }
        if (rest.startsWith("ssh://")) {
            rest = rest.substring(6);
        }
        Integer port = null;
        int colon = rest.lastIndexOf(':');
        if (colon > 0 && rest.indexOf(':') == colon) {
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new LocalConfigurationException(
                        target.describe(), "ProxyJump hop '" + hop + "' has an invalid port");
            }
            rest = rest.substring(0, colon);
        }
        try {
            b = ConnectionSpec.builder(rest)
                    .auth(target.auth())
                    .hostKeys(target.hostKeys())
                    .timeouts(target.timeouts());
            if (user != null) {
                b.user(user);
            }
            if (port != null) {
                b.port(port);
            }
        } catch (IllegalArgumentException e) {
            throw new LocalConfigurationException(
                    target.describe(), "ProxyJump hop '" + hop + "' is invalid: " + e.getMessage());
        }
        target.sshConfig().ifPresent(b::sshConfig);
        return b.build();
    }

    private static Path expandHome(String path) {
        if (path.equals("~")) {
            return Path.of(System.getProperty("user.home"));
        }
        if (path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home"), path.substring(2));
        }
        return Path.of(path);
    }
}
