package dev.multikernel.host.ssh;

import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * SSH connections to many hosts, one per host and process: commands are channels multiplexed on
 * that connection, kept alive, and the connection is re-established when it breaks. Per host, at
 * most {@link Options#maxChannelsPerHost()} commands run at once and mutations run one at a time;
 * different hosts are independent, so callers get parallelism across hosts by calling from
 * several threads.
 *
 * <p>Built on Apache MINA SSHD. Host keys are checked by each connection's {@link HostKeyPolicy}
 * (there is no accept-all fallback), {@code ~/.ssh/config} is read only when a spec names it,
 * RSA keys sign with SHA-2 only, and ssh-agent is spoken to over the JDK's unix sockets.
 */
public final class SshConnectionPool implements AutoCloseable {

    /**
     * Pool-wide limits.
     *
     * @param maxChannelsPerHost commands running at once on one host (OpenSSH's MaxSessions default is 10)
     * @param readAttempts       tries of a read when the transport fails (1 = no retry)
     * @param retryBackoff       pause before a retry
     * @param maxOutputBytes     stdout or stderr beyond this fails the command
     */
    public record Options(int maxChannelsPerHost, int readAttempts, Duration retryBackoff, long maxOutputBytes) {

        public static final Options DEFAULTS = new Options(4, 2, Duration.ofMillis(300), 64L << 20);

        public Options {
            Objects.requireNonNull(retryBackoff, "retryBackoff");
            if (maxChannelsPerHost < 1 || readAttempts < 1 || maxOutputBytes < 1 || retryBackoff.isNegative()) {
                throw new IllegalArgumentException("pool options must be positive: " + maxChannelsPerHost + ", "
                        + readAttempts + ", " + retryBackoff + ", " + maxOutputBytes);
            }
        }

        public Options withMaxChannelsPerHost(int n) {
            return new Options(n, readAttempts, retryBackoff, maxOutputBytes);
        }

        public Options withReadAttempts(int n) {
            return new Options(maxChannelsPerHost, n, retryBackoff, maxOutputBytes);
        }
    }

    /**
     * Counters since the pool was created.
     *
     * @param connectionsOpened SSH sessions established (authenticated)
     * @param connectFailures   attempts that failed
     * @param execs             exec channels opened (uploads included)
     * @param readRetries       reads sent again after a transport error
     */
    public record Stats(long connectionsOpened, long connectFailures, long execs, long readRetries) {}

    /** Signatures never offered: SHA-1 RSA and DSA. */
    private static final List<String> REFUSED_SIGNATURES =
            List.of("ssh-rsa", "ssh-dss", "ssh-rsa-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com");

    final Options options;
    final SshClient client;
    final LongAdder opened = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder execs = new LongAdder();
    final LongAdder retries = new LongAdder();
    private final ConcurrentHashMap<Target, HostConnection> connections = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private SshConnectionPool(Options options) {
        this.options = options;
        this.client = SshClient.setUpDefaultClient();
        List<NamedFactory<Signature>> sigs = new ArrayList<>();
        for (NamedFactory<Signature> f : client.getSignatureFactories()) {
            if (!REFUSED_SIGNATURES.contains(f.getName())) {
                sigs.add(f);
            }
        }
        client.setSignatureFactories(sigs);
        client.setServerKeyVerifier(this::verifyServerKey);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setAgentFactory(new PerConnectionAgentFactory());
        client.setUserInteraction(null);
        CoreModuleProperties.PREFERRED_AUTHS.set(client, "publickey,keyboard-interactive,password");
        client.addSessionListener(new SessionListener() {
            @Override
            public void sessionEstablished(Session session) {
                configureSession(session);
            }

            @Override
            public void sessionNegotiationOptionsCreated(Session session, Map<KexProposalOption, String> proposal) {
                preferKnownHostKeyTypes(session, proposal);
            }
        });
        client.start();
    }

    public static SshConnectionPool create() {
        return create(Options.DEFAULTS);
    }

    public static SshConnectionPool create(Options options) {
        return new SshConnectionPool(options);
    }

    /**
     * A transport for the host {@code spec} names. Specs that resolve to the same user, host, port,
     * bastion and settings share one connection. Connecting happens on first use.
     *
     * @throws LocalConfigurationException when the ssh config cannot be read or no credentials exist
     */
    public HostTransport transport(ConnectionSpec spec) throws LocalConfigurationException {
        if (closed) {
            throw new IllegalStateException("the SSH connection pool is closed");
        }
        Target target = SshConfigResolver.resolve(spec);
        return new PooledTransport(connection(target));
    }

    HostConnection connection(Target target) {
        return connections.computeIfAbsent(target, t -> new HostConnection(this, t));
    }

    public Stats stats() {
        return new Stats(opened.sum(), failures.sum(), execs.sum(), retries.sum());
    }

    /** Hosts with a live connection right now, as {@code user@host:port}. */
    public List<String> connectedHosts() {
        List<String> hosts = new ArrayList<>();
        connections.forEach((t, c) -> {
            if (c.isConnected()) {
                hosts.add(t.describe());
            }
        });
        return hosts;
    }

    /** Closes every connection and stops the SSH client. */
    @Override
    public void close() {
        closed = true;
        connections.values().forEach(HostConnection::close);
        connections.clear();
        try {
            client.stop();
        } finally {
            try {
                client.close();
            } catch (IOException e) {
                // closing: nothing left to do
            }
        }
    }

    /** Before key exchange: keepalive settings of the connection. */
    private void configureSession(Session session) {
        ConnectionAttempt attempt = attemptOf(session);
        if (attempt == null) {
            return;
        }
        Timeouts t = attempt.target().timeouts();
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(session, t.keepAliveInterval());
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(session, t.keepAliveMaxMissed());
    }

    /**
     * Asks the server for a host key type already on record first, as OpenSSH does: otherwise a
     * host known by its RSA key would present its ed25519 key and look unknown.
     */
    private static void preferKnownHostKeyTypes(Session session, Map<KexProposalOption, String> proposal) {
        ConnectionAttempt attempt = attemptOf(session);
        String offered = proposal.get(KexProposalOption.SERVERKEYS);
        if (attempt == null || offered == null) {
            return;
        }
        Target t = attempt.target();
        List<String> known = t.hostKeys().knownKeyTypes(t.hostName(), t.port());
        if (known.isEmpty()) {
            return;
        }
        List<String> remaining = new ArrayList<>(List.of(offered.split(",")));
        List<String> ordered = new ArrayList<>();
        for (String type : known) {
            for (String alg : "ssh-rsa".equals(type) ? List.of("rsa-sha2-512", "rsa-sha2-256") : List.of(type)) {
                if (remaining.remove(alg)) {
                    ordered.add(alg);
                }
            }
        }
        ordered.addAll(remaining);
        proposal.put(KexProposalOption.SERVERKEYS, String.join(",", ordered));
    }

    private boolean verifyServerKey(ClientSession session, java.net.SocketAddress remote, PublicKey key) {
        ConnectionAttempt attempt = attemptOf(session);
        if (attempt == null) {
            return false;
        }
        Target t = attempt.target();
        HostKeyVerdict verdict;
        try {
            verdict = t.hostKeys().verify(t.hostName(), t.port(), key);
        } catch (RuntimeException e) {
            verdict = new HostKeyVerdict.Unknown(List.of(t.hostKeys().describe() + " failed: " + e), List.of());
        }
        attempt.recordHostKey(key, verdict);
        return verdict.trusted();
    }

    static ConnectionAttempt attemptOf(Session session) {
        if (session instanceof ClientSession cs) {
            AttributeRepository context = cs.getConnectionContext();
            if (context != null) {
                return context.getAttribute(ConnectionAttempt.KEY);
            }
        }
        return null;
    }

    /** Gives each connection the agent its spec names (or none). */
    private static final class PerConnectionAgentFactory implements SshAgentFactory {
        @Override
        public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
            return List.of();
        }

        @Override
        public SshAgent createClient(Session session, FactoryManager manager) {
            ConnectionAttempt attempt = attemptOf(session);
            if (attempt == null || attempt.agentSocket().isEmpty()) {
                return new NoAgent();
            }
            return new UnixSocketAgent(attempt.agentSocket().get());
        }

        @Override
        public SshAgentServer createServer(ConnectionService service) {
            throw new UnsupportedOperationException("agent forwarding is not offered");
        }
    }
}
