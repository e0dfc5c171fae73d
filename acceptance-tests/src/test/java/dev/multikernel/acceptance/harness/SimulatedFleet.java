package dev.multikernel.acceptance.harness;

import dev.multikernel.provider.Main;
import dev.multikernel.provider.MultikernelProvider;
import dev.multikernel.sim.kernel.HostTopology;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.HostSpec;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.multikernel.sim.ssh.SshKeys;
import dev.tfjvm.testing.InProcessProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * N simulated multikernel hosts (any mix of interface generations) started in this JVM, each with
 * its own kernel model, kernel socket and SSH server; one client key authorized on all of them; one
 * known_hosts file naming all of them; and the multikernel provider served in this JVM for the real
 * {@code terraform} to attach to.
 *
 * <p>Register it as a JUnit extension and it starts before the class and stops after it:
 * <pre>
 * &#64;RegisterExtension
 * static final SimulatedFleet FLEET = SimulatedFleet.builder().current("h1").rfcV2("h2").build();
 * </pre>
 * It can also be used directly ({@link #start()} / {@link #close()}).
 */
public final class SimulatedFleet implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    /** One host of the fleet as asked for. */
    private record Wanted(String name, InterfaceGeneration generation, HostTopology topology) {}

    private final List<Wanted> wanted;
    private final Map<String, SimulatedHost> hosts = new LinkedHashMap<>();
    private Path dir;
    private Path clientKey;
    private Path knownHosts;
    private Path kernelImage;
    private Path initrd;
    private MultikernelProvider provider;
    private InProcessProvider server;
    private int workspaces;

    private SimulatedFleet(List<Wanted> wanted) {
        this.wanted = List.copyOf(wanted);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What the fleet will hold. */
    public static final class Builder {
        private final List<Wanted> hosts = new ArrayList<>();

        /** A host whose kernel speaks the current multikernel tree, default topology. */
        public Builder current(String name) {
            return host(name, InterfaceGeneration.CURRENT, HostTopology.defaults());
        }

        /** A host whose kernel speaks the RFC v2 interface, default topology (4 GiB boot pool). */
        public Builder rfcV2(String name) {
            return host(name, InterfaceGeneration.RFC_V2, HostTopology.defaults());
        }

        public Builder host(String name, InterfaceGeneration generation, HostTopology topology) {
            if (hosts.stream().anyMatch(w -> w.name().equals(name))) {
                throw new IllegalArgumentException("host " + name + " is already in the fleet");
            }
            hosts.add(new Wanted(name, generation, topology));
            return this;
        }

        public SimulatedFleet build() {
            if (hosts.isEmpty()) {
                throw new IllegalStateException("a fleet needs at least one host");
            }
            return new SimulatedFleet(hosts);
        }
    }

    /**
     * A larger machine than the default: 16 CPUs (node 0: 0-11, node 1: 12-15; APIC id = 2 x
     * logical), 8 GiB on each node, PCI functions 0000:03:00.0 (node 0) and 0000:81:00.0 (node 1),
     * CPU 0 reserved, and a 4 GiB RFC v2 boot pool on the command line.
     */
    public static HostTopology largeTopology() {
        List<HostTopology.Cpu> cpus = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            cpus.add(new HostTopology.Cpu(i, 2 * i, i < 12 ? 0 : 1));
        }
        long gib = 1L << 30;
        return new HostTopology(
                cpus,
                List.of(
                        new HostTopology.MemoryRegion(0, 3 * gib, 0),
                        new HostTopology.MemoryRegion(4 * gib, 5 * gib, 0),
                        new HostTopology.MemoryRegion(9 * gib, 8 * gib, 1)),
                List.of(
                        new HostTopology.PciDevice("0000:03:00.0", "8086:1533", 0),
                        new HostTopology.PciDevice("0000:81:00.0", "144d:a808", 1)),
                java.util.Set.of(0),
                "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1 mkkernel_pool=4G");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Starts every host and the provider. */
    public synchronized SimulatedFleet start() throws Exception {
        if (dir != null) {
            return this;
        }
        // short: unix socket paths below it are limited to 107 bytes
        dir = Files.createTempDirectory(Path.of("/tmp"), "mkacc");
        clientKey = dir.resolve("id_ed25519");
        KeyPair client = SshKeys.loadOrCreateEd25519(clientKey, "acceptance");
        StringBuilder known = new StringBuilder();
        for (Wanted w : wanted) {
            SimulatedHost host = SimulatedHost.start(
                    new HostSpec(
                            w.name(),
                            w.generation(),
                            w.topology(),
                            0,
                            HostSpec.DEFAULT_USERS,
                            List.of(client.getPublic())),
                    dir.resolve(w.name()));
            hosts.put(w.name(), host);
            known.append(host.knownHostsLine()).append('\n');
        }
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, known);
        kernelImage = KernelImage.write(dir.resolve("vmlinuz"));
        initrd = KernelImage.writeInitrd(dir.resolve("initrd.img"));
        provider = new MultikernelProvider();
        server = InProcessProvider.start(provider, Main.SOURCE_ADDRESS);
        return this;
    }

    /** Stops the provider and every host, and deletes their state. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (provider != null) {
            provider.hosts().close();
            provider = null;
        }
        for (SimulatedHost h : hosts.values()) {
            try {
                h.close();
            } catch (IOException e) {
                // keep stopping the others
            }
        }
        hosts.clear();
        if (dir != null) {
            deleteTree(dir);
            dir = null;
        }
    }

    public SimulatedHost host(String name) {
        SimulatedHost h = hosts.get(name);
        if (h == null) {
            throw new NoSuchElementException("no host " + name + " in the fleet (hosts: " + hosts.keySet() + ")");
        }
        return h;
    }

    public List<String> names() {
        return List.copyOf(hosts.keySet());
    }

    /** The value of a {@code host} attribute that reaches {@code name}: {@code 127.0.0.1:PORT}. */
    public String address(String name) {
        return "127.0.0.1:" + host(name).port();
    }

    public Path clientKey() {
        return clientKey;
    }

    public Path knownHosts() {
        return knownHosts;
    }

    /** A bzImage the simulated kernels accept, on this machine (the hosts' file system). */
    public Path kernelImage() {
        return kernelImage;
    }

    public Path initrd() {
        return initrd;
    }

    /** The fleet's own scratch directory (short path). */
    public Path dir() {
        return dir;
    }

    public MultikernelProvider provider() {
        return provider;
    }

    /** TF_REATTACH_PROVIDERS for the provider served in this JVM. */
    public String reattach() {
        return server.reattachJson();
    }

    /** The terraform block and provider block every workspace of this fleet starts with. */
    public String providerBlock() {
        return providerBlock(knownHosts);
    }

    public String providerBlock(Path knownHostsFile) {
        return terraformBlock() + providerConfig(knownHostsFile);
    }

    /** The terraform block naming the provider's source address. */
    public static String terraformBlock() {
        return """
                terraform {
                  required_providers {
                    multikernel = {
                      source = "%s"
                    }
                  }
                }

                """.formatted(Main.SOURCE_ADDRESS);
    }

    /** The provider block: root with the fleet's key, host keys checked against {@code knownHostsFile}. */
    public String providerConfig(Path knownHostsFile) {
        return providerConfig(clientKey, knownHostsFile);
    }

    /** The provider block: root with {@code key}, host keys checked against {@code knownHostsFile}. */
    public static String providerConfig(Path key, Path knownHostsFile) {
        return """
                provider "multikernel" {
                  user              = "root"
                  private_key_file  = "%s"
                  known_hosts_files = ["%s"]
                  use_agent         = false
                }

                """.formatted(key, knownHostsFile);
    }

    /** A new, empty Terraform working directory attached to this fleet's provider. */
    public synchronized Workspace workspace(String name) {
        try {
            Path wd = Files.createDirectories(dir.resolve("ws").resolve((++workspaces) + "-" + name));
            return new Workspace(wd, reattach(), providerBlock());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Changes made on {@code name} directly, bypassing Terraform. */
    public OutOfBand outOfBand(String name) {
        return new OutOfBand(host(name), clientKey, knownHosts);
    }

    /** Faults injected into {@code name}'s kernel and SSH server. */
    public Faults faults(String name) {
        return new Faults(host(name));
    }

    /**
     * Gives every host a clean slate: faults cleared, then a simulated reboot (everything under
     * /sys/fs/multikernel lives in memory, so the pool, instances and overlays are gone; the boot id
     * changes).
     */
    public void resetAll() {
        for (SimulatedHost h : hosts.values()) {
            h.sshFaults().clear();
            h.kernel().faults().clear();
            h.reboot();
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
