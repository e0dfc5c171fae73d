package dev.multikernel.sim.executor;

import dev.multikernel.host.ssh.AuthSource;
import dev.multikernel.host.ssh.ConnectionSpec;
import dev.multikernel.host.ssh.HostKeyPolicy;
import dev.multikernel.sim.kernel.HostTopology;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.HostSpec;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.multikernel.sim.ssh.SshKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

/** Simulated hosts for executor tests: one client key, one known_hosts file, hosts started on demand. */
final class SimHosts implements AutoCloseable {

    final Path dir;
    final Path clientKey;
    final Path knownHosts;
    private final KeyPair client;
    private final List<SimulatedHost> hosts = new ArrayList<>();

    SimHosts() throws IOException {
        // short: the kernel sockets live below it and unix socket paths are limited to 107 bytes
        dir = Files.createTempDirectory(Path.of("/tmp"), "mkx");
        clientKey = dir.resolve("id_ed25519");
        client = SshKeys.loadOrCreateEd25519(clientKey, "executor-test");
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "");
    }

    SimulatedHost start(String name, InterfaceGeneration generation) throws IOException {
        HostSpec spec = new HostSpec(
                name, generation, HostTopology.defaults(), 0, HostSpec.DEFAULT_USERS, List.of(client.getPublic()));
        SimulatedHost host = SimulatedHost.start(spec, dir.resolve(name));
        hosts.add(host);
        Files.writeString(knownHosts, host.knownHostsLine() + "\n", java.nio.file.StandardOpenOption.APPEND);
        return host;
    }

    ConnectionSpec spec(SimulatedHost host, String user) {
        return ConnectionSpec.builder("127.0.0.1")
                .port(host.port())
                .user(user)
                .auth(new AuthSource.PrivateKeyFile(clientKey))
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .sudo(true)
                .build();
    }

    @Override
    public void close() throws IOException {
        for (SimulatedHost h : hosts) {
            h.close();
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
