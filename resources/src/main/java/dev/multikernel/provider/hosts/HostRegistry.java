package dev.multikernel.provider.hosts;

import dev.multikernel.host.mkctl.Mkctl;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.mkctl.MkctlException;
import dev.multikernel.host.ssh.ConnectionSpec;
import dev.multikernel.host.ssh.HostException;
import dev.multikernel.host.ssh.HostTransport;
import dev.multikernel.host.ssh.LocalConfigurationException;
import dev.multikernel.host.ssh.SshConnectionPool;
import dev.multikernel.host.ssh.TrustOnFirstUse;
import dev.multikernel.host.state.HostState;
import dev.multikernel.provider.config.HostAddress;
import dev.multikernel.provider.config.ProviderSettings;
import dev.tfjvm.spi.ResourceException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Host access for one provider process: one {@link SshConnectionPool}, and one {@link MkctlClient}
 * per host address, both created on first use. Configuring again with other settings (a reattached
 * provider serves several Terraform runs) closes the old connections and starts afresh; with the
 * same settings the connections are kept.
 *
 * <p>Host state is read once per host and kept until this process changes that host
 * ({@link #change}) or Terraform configures the provider again (a new run): a plan of fifty
 * resources on one host costs one {@code mkctl state}, and every resource of the plan sees the
 * same snapshot.
 */
public final class HostRegistry implements Hosts, AutoCloseable {

    /** What the provider configuration allows. */
    private sealed interface Access {
        record NotConfigured() implements Access {}

        /** Some provider setting is not known until apply. */
        record Deferred() implements Access {}

        record Configured(ProviderSettings settings) implements Access {}
    }

    private Access access = new Access.NotConfigured();
    private final Function<SshConnectionPool.Options, SshConnections> connections;
    private SshConnections pool;
    private final Map<HostAddress, MkctlClient> clients = new HashMap<>();
    private final Map<HostAddress, HostState> states = new HashMap<>();
    /** Bumped by every forget: a read that started before a change must not be cached after it. */
    private final Map<HostAddress, Long> changes = new HashMap<>();

    private final PlanLedger ledger = new PlanLedger();

    /** A registry with a connection pool of its own. */
    public HostRegistry() {
        this(SshConnections.own());
    }

    /** A registry whose SSH connections come from {@code connections} (shared ones under the daemon). */
    public HostRegistry(Function<SshConnectionPool.Options, SshConnections> connections) {
        this.connections = java.util.Objects.requireNonNull(connections, "connections");
    }

    /** Uses {@code settings} from now on. */
    public synchronized void configure(ProviderSettings settings) {
        states.clear();
        ledger.clear();
        if (access instanceof Access.Configured c && c.settings().equals(settings)) {
            return;
        }
        closeConnections();
        access = new Access.Configured(settings);
    }

    /** The provider configuration depends on values not known yet: hosts cannot be reached. */
    public synchronized void defer() {
        states.clear();
        ledger.clear();
        closeConnections();
        access = new Access.Deferred();
    }

    /** The settings in use, when configured. */
    public synchronized Optional<ProviderSettings> settings() {
        return access instanceof Access.Configured c ? Optional.of(c.settings()) : Optional.empty();
    }

    /**
     * The client for the host named {@code host} (a resource's or data source's {@code host}
     * attribute). Connects lazily: reaching the host happens at the first command.
     */
    public MkctlClient client(HostAddress host) throws ResourceException {
        ProviderSettings settings;
        synchronized (this) {
            if (access instanceof Access.NotConfigured) {
                throw new ResourceException(
                        "Provider not configured", "The multikernel provider was used before Terraform configured it.");
            }
            if (access instanceof Access.Deferred) {
                throw new ResourceException(
                        "Provider configuration not known yet",
                        "The provider block uses values that are known only after apply, so host " + host.describe()
                                + " cannot be reached during this plan. Give the provider block values that are "
                                + "known at plan time (variables, literals), or apply the resources it depends on "
                                + "first with -target.");
            }
            settings = ((Access.Configured) access).settings();
            MkctlClient existing = clients.get(host);
            if (existing != null) {
                return existing;
            }
            if (pool == null) {
                pool = connections.apply(settings.poolOptions());
            }
            ConnectionSpec spec;
            try {
                spec = settings.connectionSpec(host.address(), host.user(), host.port());
            } catch (IllegalArgumentException e) {
                throw new ResourceException("Invalid host " + host.describe(), e.getMessage(), e);
            }
            HostTransport transport;
            try {
                transport = pool.transport(spec);
            } catch (LocalConfigurationException e) {
                throw HostErrors.of(host, e);
            }
            MkctlClient client = new MkctlClient(transport, settings.mkctlInstall(), settings.mkctlOptions());
            clients.put(host, client);
            return client;
        }
    }

    /**
     * The host's state: read with one {@code mkctl state} the first time, then the same snapshot
     * until {@link #change} or {@link #forget} drops it. Host and helper failures become
     * {@link ResourceException}s naming the host.
     */
    @Override
    public HostState state(HostAddress host) throws ResourceException {
        long seen;
        synchronized (this) {
            HostState cached = states.get(host);
            if (cached != null) {
                return cached;
            }
            seen = changes.getOrDefault(host, 0L);
        }
        HostState read = call(host, Mkctl::state);
        synchronized (this) {
            if (changes.getOrDefault(host, 0L) == seen) {
                states.putIfAbsent(host, read);
            }
            return read;
        }
    }

    @Override
    public synchronized void remember(HostAddress host, HostState state) {
        states.put(host, state);
        changes.merge(host, 1L, Long::sum); // a read started before it must not replace it
    }

    /** Drops the cached state of {@code host}: the next {@link #state} reads it again. */
    @Override
    public synchronized void forget(HostAddress host) {
        states.remove(host);
        changes.merge(host, 1L, Long::sum);
    }

    /** Runs {@code read} against the host, mapping host and helper failures to errors naming the host. */
    @Override
    public <T> T call(HostAddress host, HostCall<T> read) throws ResourceException {
        MkctlClient client = client(host);
        try {
            return read.call(client);
        } catch (HostException e) {
            throw HostErrors.of(host, e);
        } catch (MkctlException e) {
            throw HostErrors.of(host, e);
        } finally {
            reportRecordedHostKeys();
        }
    }

    /**
     * With {@code host_key_policy = "accept-new"}, connecting to a host never seen before writes
     * its key to the first known_hosts file, in a plan as in an apply: the operation that caused it
     * says so with a warning, so a plan never changes a file unannounced.
     */
    void reportRecordedHostKeys() {
        ProviderSettings settings;
        synchronized (this) {
            if (!(access instanceof Access.Configured c) || !c.settings().acceptNewHostKeys()) {
                return;
            }
            settings = c.settings();
        }
        for (TrustOnFirstUse.Recorded r :
                TrustOnFirstUse.takeRecorded(settings.knownHostsFiles().get(0))) {
            String summary = "New host key recorded for " + r.lookup();
            String detail = "host_key_policy = \"accept-new\": " + r.lookup() + " was not in the known_hosts files,"
                    + " so its key " + r.keyType() + " " + r.fingerprint() + " was added to " + r.file()
                    + " and is trusted from now on (trust on first use). Check that it is the host's key: ssh-keygen"
                    + " -lf on the host's public key file shows its fingerprint. If it is not, remove it with"
                    + " ssh-keygen -R '" + r.lookup() + "' -f " + r.file() + " before the next run.";
            java.util.Optional<dev.tfjvm.spi.OperationContext> op = dev.tfjvm.spi.CurrentOperation.get();
            if (op.isPresent()) {
                op.get().diagnostics().warning(summary, detail);
            } else {
                dev.tfjvm.log.Log.get("hosts").warn(summary + ": " + detail);
            }
        }
    }

    /** What this run's plans have promised on each host so far (see {@link PlanLedger}). */
    @Override
    public PlanLedger ledger() {
        return ledger;
    }

    /** Connections currently open, for tests and diagnostics. */
    public synchronized int openClients() {
        return clients.size();
    }

    private void closeConnections() {
        clients.values().forEach(c -> c.transport().close()); // ends their mkctl sessions (shared pools stay)
        clients.clear();
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    @Override
    public synchronized void close() {
        states.clear();
        ledger.clear();
        closeConnections();
        access = new Access.NotConfigured();
    }
}
