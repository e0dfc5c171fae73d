package dev.multikernel.provider.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.mkctl.MkctlInstall;
import dev.multikernel.host.mkctl.MkctlOptions;
import dev.multikernel.host.ssh.AuthSource;
import dev.multikernel.host.ssh.ConnectionSpec;
import dev.multikernel.host.ssh.HostKeyPolicy;
import dev.multikernel.host.ssh.SshConnectionPool;
import dev.multikernel.provider.testing.SimulatedFleet;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.tfjvm.spi.Launch;
import dev.tfjvm.spi.Sharing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Launches served by one daemon share SSH connections only when everything that makes a
 * connection equal is equal, and a shared connection that died is replaced on the next command.
 */
class SharedConnectionsIT {
    static SimulatedFleet fleet;
    static SimulatedHost host;

    @BeforeAll
    static void start() throws Exception {
        fleet = SimulatedFleet.start("mkshr");
        host = fleet.host("shr", InterfaceGeneration.CURRENT);
    }

    @AfterAll
    static void stop() throws Exception {
        fleet.close();
    }

    private static ConnectionSpec spec() {
        return ConnectionSpec.builder("127.0.0.1")
                .port(host.port())
                .user("root")
                .auth(new AuthSource.PrivateKeyFile(fleet.clientKey()))
                .hostKeys(HostKeyPolicy.knownHosts(List.of(fleet.knownHosts())))
                .build();
    }

    private static MkctlClient client(SshConnections connections) throws Exception {
        return new MkctlClient(connections.transport(spec()), MkctlInstall.Upload.defaults(), MkctlOptions.DEFAULTS);
    }

    private static Launch launch(Sharing.Store store, String dir) {
        return new Launch(Map.of(), fleet.dir().resolve(dir).toAbsolutePath(), store);
    }

    @Test
    void equalLaunchesShareOneConnectionWhichIsReplacedWhenItDies() throws Exception {
        try (Sharing.Store store = new Sharing.Store()) {
            SshConnections a = SshConnections.shared(launch(store, "a")).apply(SshConnectionPool.Options.DEFAULTS);
            SshConnections b = SshConnections.shared(launch(store, "b")).apply(SshConnectionPool.Options.DEFAULTS);
            int before = host.sshConnections();
            client(a).state();
            a.close(); // the first launch ends: its shared connection stays
            client(b).state();
            assertThat(store.size()).as("one shared pool").isEqualTo(1);
            assertThat(host.sshConnections() - before)
                    .as("one connection for both launches")
                    .isEqualTo(1);

            host.sshFaults().dropAllConnections();
            client(b).state();
            assertThat(host.sshConnections() - before)
                    .as("the dead connection was replaced")
                    .isEqualTo(1);

            // An edited known_hosts file (or key file) is another credential: no reuse.
            Files.writeString(fleet.knownHosts(), "\n", StandardOpenOption.APPEND);
            SshConnections c = SshConnections.shared(launch(store, "c")).apply(SshConnectionPool.Options.DEFAULTS);
            client(c).state();
            assertThat(store.size()).isEqualTo(2);
            assertThat(host.sshConnections() - before).isEqualTo(2);
        }
    }

    @Test
    void otherPoolOptionsOrAnotherAgentAreNotShared() throws Exception {
        ConnectionSpec spec = spec();
        SshConnectionPool.Options options = SshConnectionPool.Options.DEFAULTS;
        assertThat(SshConnections.poolKey(options, spec)).isEqualTo(SshConnections.poolKey(options, spec()));
        assertThat(SshConnections.poolKey(options.withMaxChannelsPerHost(1), spec))
                .isNotEqualTo(SshConnections.poolKey(options, spec));
        Path agent = fleet.dir().resolve("agent.sock");
        assertThat(spec.withAgentSocket(java.util.Optional.of(agent))).isNotEqualTo(spec);
    }
}
