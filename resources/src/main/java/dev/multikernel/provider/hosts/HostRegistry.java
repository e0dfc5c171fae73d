package dev.multikernel.provider.hosts;

import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.ssh.ConnectionSpec;
import dev.multikernel.host.ssh.HostTransport;
import dev.multikernel.host.ssh.LocalConfigurationException;
import dev.multikernel.host.ssh.SshConnectionPool;
import dev.multikernel.provider.config.HostAddress;
import dev.multikernel.provider.config.ProviderSettings;
import dev.tfjvm.spi.ResourceException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Host access for one provider process: one {@link SshConnectionPool}, and one {@link MkctlClient}
 * per host address, both created on first use. Configuring again with other settings (a reattached
 * provider serves several Terraform runs) closes the old connections and starts afresh; with the
 * same settings the connections are kept.
 */
public final class HostRegistry implements AutoCloseable {

    /** What the provider configuration allows. */
    private sealed interface Access {
        record NotConfigured() implements Access {
        }

        /** Some provider setting is not known until apply. */
        record Deferred() implements Access {
        }

        record Configured(ProviderSettings settings) implements Access {
        }
    }

    private Access access = new Access.NotConfigured();
    private SshConnectionPool pool;
    private final Map<HostAddress, MkctlClient> clients = new HashMap<>();

    /** Uses {@code settings} from now on. */
    public synchronized void configure(ProviderSettings settings) {
        if (access instanceof Access.Configured c && c.settings().equals(settings)) {
            return;
        }
        closeConnections();
        access = new Access.Configured(settings);
    }

    /** The provider configuration depends on values not known yet: hosts cannot be reached. */
    public synchronized void defer() {
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
                throw new ResourceException("Provider not configured",
                        "The multikernel provider was used before Terraform configured it.");
            }
            if (access instanceof Access.Deferred) {
                throw new ResourceException("Provider configuration not known yet",
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
                pool = SshConnectionPool.create(settings.poolOptions());
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

    /** Connections currently open, for tests and diagnostics. */
    public synchronized int openClients() {
        return clients.size();
    }

    private void closeConnections() {
        clients.clear();
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    @Override
    public synchronized void close() {
        closeConnections();
        access = new Access.NotConfigured();
    }
}
