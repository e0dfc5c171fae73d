package dev.multikernel.host.ssh;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How to reach one host over SSH. Explicit values win over an ssh config file, as on the
 * {@code ssh} command line.
 *
 * @param host      host name, address or ssh config alias
 * @param port      SSH port; empty: from the ssh config, else 22
 * @param user      login user; empty: from the ssh config, else the user running this process
 * @param auth      credentials, tried in order; empty: the ssh config's IdentityFile entries, the
 *                  agent and the default key files ({@link AuthSource#defaults()})
 * @param hostKeys  how the host key is checked (default: strict, {@code ~/.ssh/known_hosts})
 * @param proxyJump a bastion to go through, with its own credentials and host key policy; empty: the
 *                  ssh config's ProxyJump, if any
 * @param sudo      run privileged commands with {@code sudo -n} when the login user is not root
 * @param timeouts  connect, authentication and keepalive limits
 * @param agentSocket the ssh-agent socket for agent credentials that name none (and for the default
 *                  credentials); empty: {@code SSH_AUTH_SOCK} of this process. A provider serving many
 *                  launches in one process sets the launch's own.
 * @param sshConfig an OpenSSH client config file to consult (HostName, User, Port, IdentityFile,
 *                  ProxyJump); empty: none is read
 */
public record ConnectionSpec(
        String host,
        OptionalInt port,
        Optional<String> user,
        List<AuthSource> auth,
        HostKeyPolicy hostKeys,
        Optional<ConnectionSpec> proxyJump,
        boolean sudo,
        Timeouts timeouts,
        Optional<Path> sshConfig,
        Optional<Path> agentSocket) {

    public ConnectionSpec {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(hostKeys, "hostKeys");
        Objects.requireNonNull(proxyJump, "proxyJump");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(sshConfig, "sshConfig");
        Objects.requireNonNull(agentSocket, "agentSocket");
        if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("'" + host + "' is not a host name");
        }
        if (port.isPresent() && (port.getAsInt() < 1 || port.getAsInt() > 65535)) {
            throw new IllegalArgumentException("SSH port must be 1..65535, got " + port.getAsInt());
        }
        if (user.isPresent() && (user.get().isBlank() || user.get().chars().anyMatch(c -> c <= ' '))) {
            throw new IllegalArgumentException("'" + user.get() + "' is not a user name");
        }
        auth = List.copyOf(auth);
    }

    /** This spec (and its bastions) with agent credentials taken from {@code socket}. */
    public ConnectionSpec withAgentSocket(Optional<Path> socket) {
        return new ConnectionSpec(
                host,
                port,
                user,
                auth,
                hostKeys,
                proxyJump.map(j -> j.withAgentSocket(socket)),
                sudo,
                timeouts,
                sshConfig,
                socket);
    }

    /** A host with every default: strict known_hosts, default credentials, no ssh config. */
    public static Builder builder(String host) {
        return new Builder(host);
    }

    /** {@code user@host:port} as far as it is known before resolution. */
    public String describe() {
        return user.map(u -> u + "@").orElse("") + host + (port.isPresent() ? ":" + port.getAsInt() : "");
    }

    public Builder toBuilder() {
        Builder b = new Builder(host);
        b.port = port;
        b.user = user;
        b.auth = auth;
        b.hostKeys = hostKeys;
        b.proxyJump = proxyJump;
        b.sudo = sudo;
        b.timeouts = timeouts;
        b.sshConfig = sshConfig;
        return b;
    }

    /** Builds a {@link ConnectionSpec}. */
    public static final class Builder {
        private final String host;
        private OptionalInt port = OptionalInt.empty();
        private Optional<String> user = Optional.empty();
        private List<AuthSource> auth = List.of();
        private HostKeyPolicy hostKeys = HostKeyPolicy.strictDefault();
        private Optional<ConnectionSpec> proxyJump = Optional.empty();
        private boolean sudo;
        private Timeouts timeouts = Timeouts.DEFAULTS;
        private Optional<Path> sshConfig = Optional.empty();

        private Builder(String host) {
            this.host = host;
        }

        public Builder port(int value) {
            this.port = OptionalInt.of(value);
            return this;
        }

        public Builder user(String value) {
            this.user = Optional.of(value);
            return this;
        }

        public Builder auth(List<AuthSource> sources) {
            this.auth = List.copyOf(sources);
            return this;
        }

        public Builder auth(AuthSource... sources) {
            return auth(List.of(sources));
        }

        public Builder hostKeys(HostKeyPolicy policy) {
            this.hostKeys = policy;
            return this;
        }

        public Builder proxyJump(ConnectionSpec bastion) {
            this.proxyJump = Optional.of(bastion);
            return this;
        }

        public Builder sudo(boolean value) {
            this.sudo = value;
            return this;
        }

        public Builder timeouts(Timeouts value) {
            this.timeouts = value;
            return this;
        }

        /** Consult this OpenSSH client config file (for {@code ~/.ssh/config}: {@link #userSshConfig()}). */
        public Builder sshConfig(Path file) {
            this.sshConfig = Optional.of(file);
            return this;
        }

        public ConnectionSpec build() {
            return new ConnectionSpec(
                    host, port, user, auth, hostKeys, proxyJump, sudo, timeouts, sshConfig, Optional.empty());
        }
    }

    /** {@code ~/.ssh/config} of the user running this process. */
    public static Path userSshConfig() {
        return Path.of(System.getProperty("user.home"), ".ssh", "config");
    }
}
