package dev.multikernel.provider.config;

import dev.multikernel.host.mkctl.MkctlInstall;
import dev.multikernel.host.mkctl.MkctlOptions;
import dev.multikernel.host.ssh.AuthSource;
import dev.multikernel.host.ssh.ConnectionSpec;
import dev.multikernel.host.ssh.HostKeyPolicy;
import dev.multikernel.host.ssh.SshConnectionPool;
import dev.multikernel.host.ssh.Timeouts;
import dev.multikernel.host.ssh.TrustOnFirstUse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The provider configuration, validated: the SSH defaults every host starts from, in
 * host-executor terms. Secrets live only in {@link #auth()} (whose {@code toString} hides them).
 *
 * @param user             default login user
 * @param port             default SSH port
 * @param auth             credentials in the order they are tried; empty: OpenSSH's defaults
 * @param knownHostsFiles  known_hosts files checked (the first one takes new keys under accept-new)
 * @param hostKeyPins      pinned fingerprints by host address
 * @param acceptNewHostKeys trust on first use instead of strict checking
 * @param proxyJump        the bastion, if any
 * @param useSshConfig     consult {@code ~/.ssh/config}
 * @param sudo             {@code sudo -n} for non-root users
 * @param connectTimeout   connect and authentication limit
 * @param commandTimeout   limit of one state read
 * @param helperDirectory  where mkctl is uploaded on each host
 * @param perHostConcurrency commands at once per host
 */
public record ProviderSettings(
        Optional<String> user,
        OptionalInt port,
        List<AuthSource> auth,
        List<Path> knownHostsFiles,
        Map<String, String> hostKeyPins,
        boolean acceptNewHostKeys,
        Optional<Bastion> proxyJump,
        boolean useSshConfig,
        boolean sudo,
        Duration connectTimeout,
        Duration commandTimeout,
        String helperDirectory,
        int perHostConcurrency) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(1);
    public static final int DEFAULT_PER_HOST_CONCURRENCY = 4;

    /**
     * The bastion of {@code proxy_jump}.
     *
     * @param host  its address
     * @param user  login user (else the provider's)
     * @param port  SSH port (else 22)
     * @param auth  its own credentials (else the provider's)
     */
    public record Bastion(String host, Optional<String> user, OptionalInt port, List<AuthSource> auth) {
        public Bastion {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(port, "port");
            auth = List.copyOf(auth);
        }
    }

    public ProviderSettings {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(port, "port");
        auth = List.copyOf(auth);
        knownHostsFiles = List.copyOf(knownHostsFiles);
        hostKeyPins = Map.copyOf(hostKeyPins);
        Objects.requireNonNull(proxyJump, "proxyJump");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(helperDirectory, "helperDirectory");
    }

    /** Every default: what an empty provider block means. */
    public static ProviderSettings defaults() {
        return new ProviderSettings(
                Optional.empty(),
                OptionalInt.empty(),
                List.of(),
                List.of(defaultKnownHostsFile()),
                Map.of(),
                false,
                Optional.empty(),
                false,
                true,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_COMMAND_TIMEOUT,
                MkctlInstall.DEFAULT_DIRECTORY,
                DEFAULT_PER_HOST_CONCURRENCY);
    }

    static Path defaultKnownHostsFile() {
        return Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
    }

    /**
     * How to reach {@code host}: what the host attribute said ({@code user}, {@code port}) wins over
     * these defaults.
     */
    public ConnectionSpec connectionSpec(String host, Optional<String> hostUser, OptionalInt hostPort) {
        ConnectionSpec.Builder b = ConnectionSpec.builder(host)
                .auth(auth)
                .hostKeys(hostKeyPolicy(host))
                .sudo(sudo)
                .timeouts(timeouts());
        hostUser.or(() -> user).ifPresent(b::user);
        OptionalInt p = hostPort.isPresent() ? hostPort : port;
        p.ifPresent(b::port);
        if (useSshConfig) {
            b.sshConfig(ConnectionSpec.userSshConfig());
        }
        proxyJump.ifPresent(j -> {
            ConnectionSpec.Builder jb = ConnectionSpec.builder(j.host())
                    .auth(j.auth().isEmpty() ? auth : j.auth())
                    .hostKeys(hostKeyPolicy(j.host()))
                    .timeouts(timeouts());
            j.user().or(() -> user).ifPresent(jb::user);
            j.port().ifPresent(jb::port);
            b.proxyJump(jb.build());
        });
        return b.build();
    }

    /** A pin for the host wins; else its known_hosts files, strictly or trusting new hosts. */
    public HostKeyPolicy hostKeyPolicy(String host) {
        String pin = hostKeyPins.get(host);
        if (pin != null) {
            return HostKeyPolicy.pinned(List.of(pin));
        }
        if (acceptNewHostKeys) {
            return new TrustOnFirstUse(knownHostsFiles.get(0), knownHostsFiles.subList(1, knownHostsFiles.size()));
        }
        return HostKeyPolicy.knownHosts(knownHostsFiles);
    }

    public Timeouts timeouts() {
        return Timeouts.DEFAULTS.withConnect(connectTimeout).withAuthenticate(connectTimeout);
    }

    public MkctlInstall mkctlInstall() {
        return MkctlInstall.Upload.embedded(helperDirectory);
    }

    public MkctlOptions mkctlOptions() {
        MkctlOptions d = MkctlOptions.DEFAULTS;
        return new MkctlOptions(d.lockTimeout(), commandTimeout, d.uploadTimeout());
    }

    public SshConnectionPool.Options poolOptions() {
        return SshConnectionPool.Options.DEFAULTS.withMaxChannelsPerHost(perHostConcurrency);
    }
}
