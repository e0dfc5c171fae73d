package dev.multikernel.provider.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.mkctl.MkctlInstall;
import dev.multikernel.host.mkctl.MkctlOptions;
import dev.multikernel.host.ssh.AuthSource;
import dev.multikernel.host.ssh.ConnectionSpec;
import dev.multikernel.host.ssh.HostKeyPolicy;
import dev.multikernel.host.ssh.SshConnectionPool;
import dev.multikernel.provider.Main;
import dev.multikernel.provider.MultikernelProvider;
import dev.multikernel.sim.kernel.HostTopology;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.HostSpec;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.multikernel.sim.ssh.SshKeys;
import dev.tfjvm.testing.InProcessProvider;
import dev.tfjvm.testing.TerraformCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the provider's acceptance tests share: simulated hosts (real SSH, the real mkctl uploaded
 * by the provider) trusted through one known_hosts file and one client key, the provider served
 * in this JVM for the real {@code terraform} to attach to, and mkctl driven directly, as an
 * operator or another tool would change a host behind Terraform's back.
 */
public final class SimulatedFleet implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path clientKey;
    private final KeyPair client;
    private final Path knownHosts;
    private final MultikernelProvider provider;
    private final InProcessProvider server;
    private final SshConnectionPool directPool;
    private final List<SimulatedHost> hosts = new ArrayList<>();

    private SimulatedFleet(Path dir) throws Exception {
        this.dir = dir;
        this.clientKey = dir.resolve("id_ed25519");
        this.client = SshKeys.loadOrCreateEd25519(clientKey, dir.getFileName().toString());
        this.knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "");
        this.provider = new MultikernelProvider();
        this.server = InProcessProvider.start(provider, Main.SOURCE_ADDRESS);
        this.directPool = SshConnectionPool.create();
    }

    /** A fleet without hosts yet; {@code label} names its directory (kept short: unix socket paths are limited). */
    public static SimulatedFleet start(String label) throws Exception {
        return new SimulatedFleet(Files.createTempDirectory(Path.of("/tmp"), label));
    }

    /** Starts a host with the default topology (8 CPUs on 2 nodes, APIC id = node*16 + (cpu%4)*2) and trusts its key. */
    public synchronized SimulatedHost host(String name, InterfaceGeneration generation) throws IOException {
        SimulatedHost h = SimulatedHost.start(
                new HostSpec(
                        name,
                        generation,
                        HostTopology.defaults(),
                        0,
                        HostSpec.DEFAULT_USERS,
                        List.of(client.getPublic())),
                dir.resolve(name));
        hosts.add(h);
        Files.writeString(knownHosts, h.knownHostsLine() + "\n", StandardOpenOption.APPEND);
        return h;
    }

    /** The {@code host} attribute for {@code h}. */
    public static String address(SimulatedHost h) {
        return "127.0.0.1:" + h.port();
    }

    /** mkctl on {@code host}, bypassing Terraform (one command per call: no session left behind). */
    public MkctlClient direct(SimulatedHost host) throws Exception {
        ConnectionSpec spec = ConnectionSpec.builder("127.0.0.1")
                .port(host.port())
                .user("root")
                .auth(new AuthSource.PrivateKeyFile(clientKey))
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .build();
        return new MkctlClient(
                directPool.transport(spec), MkctlInstall.Upload.defaults(), MkctlOptions.DEFAULTS.withoutSessions());
    }

    /** The terraform block and a provider block trusting this fleet's hosts. */
    public String providerBlock() {
        return providerBlock(knownHosts);
    }

    /** As {@link #providerBlock()}, with host keys checked against {@code knownHostsFile}. */
    public String providerBlock(Path knownHostsFile) {
        return """
                terraform {
                  required_providers {
                    multikernel = {
                      source = "%s"
                    }
                  }
                }

                provider "multikernel" {
                  user              = "root"
                  private_key_file  = "%s"
                  known_hosts_files = ["%s"]
                  use_agent         = false
                }

                """.formatted(Main.SOURCE_ADDRESS, clientKey, knownHostsFile);
    }

    /** A terraform working directory {@code root/name} attached to the provider in this JVM. */
    public TerraformCli terraform(Path root, String name) throws IOException {
        return new TerraformCli(Files.createDirectories(root.resolve(name))).withReattach(server.reattachJson());
    }

    /** The values of resource {@code address} in the state of {@code tf}. */
    public static JsonNode resource(TerraformCli tf, String address) throws IOException {
        JsonNode state = JSON.readTree(tf.expect(0, "show", "-json").stdout());
        for (JsonNode r : state.path("values").path("root_module").path("resources")) {
            if (r.get("address").asText().equals(address)) {
                return r.get("values");
            }
        }
        throw new AssertionError(address + " not in state: " + state);
    }

    public Path dir() {
        return dir;
    }

    public Path clientKey() {
        return clientKey;
    }

    public Path knownHosts() {
        return knownHosts;
    }

    public MultikernelProvider provider() {
        return provider;
    }

    @Override
    public void close() throws IOException {
        server.close();
        provider.hosts().close();
        directPool.close();
        for (SimulatedHost h : hosts) {
            h.close();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
