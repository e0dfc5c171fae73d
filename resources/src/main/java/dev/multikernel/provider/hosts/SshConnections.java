package dev.multikernel.provider.hosts;

import dev.multikernel.host.ssh.AuthSource;
import dev.multikernel.host.ssh.ConnectionSpec;
import dev.multikernel.host.ssh.HostTransport;
import dev.multikernel.host.ssh.KnownHostsPolicy;
import dev.multikernel.host.ssh.LocalConfigurationException;
import dev.multikernel.host.ssh.SshConnectionPool;
import dev.multikernel.host.ssh.TrustOnFirstUse;
import dev.tfjvm.spi.Launch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Where a {@link HostRegistry} gets its SSH connections: its own pool ({@link #own}), or pools
 * shared with the provider's other launches under the daemon ({@link #shared}), the way
 * OpenSSH's ControlPersist keeps a master connection. Only connections are shared, never host
 * state, caches or plan ledgers, which stay in each launch's registry.
 */
public interface SshConnections extends AutoCloseable {

    HostTransport transport(ConnectionSpec spec) throws LocalConfigurationException;

    /** Releases what this registry holds (a shared pool stays for the other launches). */
    @Override
    void close();

    /** One pool for this registry, closed with it: the behaviour without the daemon. */
    static Function<SshConnectionPool.Options, SshConnections> own() {
        return options -> {
            SshConnectionPool pool = SshConnectionPool.create(options);
            return new SshConnections() {
                @Override
                public HostTransport transport(ConnectionSpec spec) throws LocalConfigurationException {
                    return pool.transport(spec);
                }

                @Override
                public void close() {
                    pool.close();
                }
            };
        };
    }

    /**
     * Pools shared through the launch's {@link dev.tfjvm.spi.Sharing}. A pool already keeps one
     * connection per resolved user, address, port, credentials (key text, passphrases,
     * passwords, agent socket), host-key policy and pins, proxy chain, sudo and timeouts; the
     * sharing key adds the pool options and a digest of every file those name (key files,
     * known_hosts), so an edited key or known_hosts file never reuses a connection made with the
     * old one. The launch's ssh-agent socket is its own. A dead connection is reopened by the
     * pool on the next command (reads retried, mutations never).
     */
    static Function<SshConnectionPool.Options, SshConnections> shared(Launch launch) {
        Optional<Path> agent =
                launch.env("SSH_AUTH_SOCK").filter(s -> !s.isBlank()).map(launch::resolve);
        return options -> new SshConnections() {
            @Override
            public HostTransport transport(ConnectionSpec spec) throws LocalConfigurationException {
                ConnectionSpec own = spec.withAgentSocket(agent);
                SshConnectionPool pool = launch.sharing()
                        .shared(
                                poolKey(options, own),
                                SshConnectionPool.class,
                                () -> SshConnectionPool.create(options));
                return pool.transport(own);
            }

            @Override
            public void close() {
                // shared pools live as long as the daemon
            }
        };
    }

    /** What a shared pool is for. */
    record PoolKey(SshConnectionPool.Options options, Map<String, String> fileDigests) {}

    /** The sharing key of the pool for {@code spec} (with the launch's agent socket already in it). */
    static PoolKey poolKey(SshConnectionPool.Options options, ConnectionSpec spec) {
        return new PoolKey(options, fileDigests(spec));
    }

    private static Map<String, String> fileDigests(ConnectionSpec spec) {
        Map<String, String> digests = new TreeMap<>();
        for (ConnectionSpec s = spec; s != null; s = s.proxyJump().orElse(null)) {
            for (AuthSource a : s.auth()) {
                if (a instanceof AuthSource.PrivateKeyFile f) {
                    digests.put(f.path().toString(), digest(f.path()));
                }
            }
            if (s.hostKeys() instanceof KnownHostsPolicy k) {
                k.files().forEach(f -> digests.put(f.toString(), digest(f)));
            }
            if (s.hostKeys() instanceof TrustOnFirstUse) {
                // Records new keys itself; its file is read at each verification.
                digests.put("trust-on-first-use", "");
            }
            s.sshConfig().ifPresent(f -> digests.put(f.toString(), digest(f)));
        }
        return digests;
    }

    private static String digest(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            return "unreadable";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
