package dev.multikernel.acceptance.harness;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.Baseline;
import dev.multikernel.host.devicetree.multikernel.CpuItem;
import dev.multikernel.host.devicetree.multikernel.InstanceResources;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.V2Instance;
import dev.multikernel.host.devicetree.multikernel.V2Tree;
import dev.multikernel.host.mkctl.HaltMode;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.mkctl.MkctlInstall;
import dev.multikernel.host.mkctl.MkctlOptions;
import dev.multikernel.host.ssh.AuthSource;
import dev.multikernel.host.ssh.ConnectionSpec;
import dev.multikernel.host.ssh.HostKeyPolicy;
import dev.multikernel.host.ssh.SshConnectionPool;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.sim.kernel.HostTopology;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.SimulatedHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Changes made on one simulated host behind Terraform's back, the way an operator would: with mkctl
 * itself, run over SSH as root (the same helper binary the provider uploads). What mkctl cannot do —
 * rebooting the whole host — goes through the simulator's own control ({@link SimulatedHost#reboot()}).
 *
 * <p>CPUs are given as logical numbers and translated to APIC ids with the host's topology for the
 * current tree, as an operator reading lscpu would. Every call opens its own SSH connection, so a
 * reboot in between (which cuts connections) does not matter.
 */
public final class OutOfBand {
    private final SimulatedHost host;
    private final Path clientKey;
    private final Path knownHosts;

    OutOfBand(SimulatedHost host, Path clientKey, Path knownHosts) {
        this.host = host;
        this.clientKey = clientKey;
        this.knownHosts = knownHosts;
    }

    /** Something done with mkctl on the host. */
    @FunctionalInterface
    public interface MkctlCall<T> {
        T call(MkctlClient mkctl) throws Exception;
    }

    /** Runs {@code call} with mkctl on the host over a fresh SSH connection. */
    public <T> T mkctl(MkctlCall<T> call) {
        ConnectionSpec spec = ConnectionSpec.builder("127.0.0.1")
                .port(host.port())
                .user("root")
                .auth(new AuthSource.PrivateKeyFile(clientKey))
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts)))
                .build();
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            MkctlClient client =
                    new MkctlClient(pool.transport(spec), MkctlInstall.Upload.defaults(), MkctlOptions.DEFAULTS);
            return call.call(client);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("out-of-band mkctl call on " + host.name() + " failed: " + e, e);
        }
    }

    /** {@code mkctl state}. */
    public HostState state() {
        return mkctl(MkctlClient::state);
    }

    public InstanceState instance(String name) {
        return state().instance(name)
                .orElseThrow(() -> new NoSuchElementException("host " + host.name() + " has no instance " + name));
    }

    /** Whether the host has an instance called {@code name}. */
    public boolean hasInstance(String name) {
        return state().instance(name).isPresent();
    }

    /** The host's boot id, as the kernel reports it. */
    public String bootId() {
        return host.kernel().bootId();
    }

    /** Mounts the multikernel file system and writes a baseline: the pool (current tree). */
    public void createPool(List<Integer> logicalCpus, long memoryBytes, int numaNode) {
        requireGeneration(InterfaceGeneration.CURRENT, "a pool baseline");
        Baseline baseline = new Baseline(
                apicIds(logicalCpus), List.of(MemoryRequest.of(memoryBytes, numaNode)), List.of(), Map.of());
        mkctl(m -> {
            m.mount();
            return m.baseline(Fdt.write(baseline.toTree()));
        });
    }

    /**
     * Mounts and writes a baseline with several memory chunks and PCI functions (their vendor and
     * device ids from the host's topology).
     */
    public void createPool(List<Integer> logicalCpus, List<MemoryRequest> memory, List<String> pciDevices) {
        requireGeneration(InterfaceGeneration.CURRENT, "a pool baseline");
        Baseline.Builder b = Baseline.builder().cpus(apicIds(logicalCpus));
        for (MemoryRequest m : memory) {
            if (m.numaNode().isPresent()) {
                b.memory(m.size(), m.numaNode().getAsInt());
            } else {
                b.memory(m.size());
            }
        }
        for (String address : pciDevices) {
            HostTopology.PciDevice d = host.kernel()
                    .topology()
                    .deviceByAddress(address)
                    .orElseThrow(() ->
                            new IllegalArgumentException("host " + host.name() + " has no PCI device " + address));
            b.pciDevice(address, d.vendorId(), d.deviceId());
        }
        byte[] dtb = Fdt.write(b.build().toTree());
        mkctl(m -> {
            m.mount();
            return m.baseline(dtb);
        });
    }

    /** Mounts the multikernel file system (RFC v2: the boot pool is already there). */
    public void mount() {
        mkctl(MkctlClient::mount);
    }

    /** Creates an instance: an instance-create overlay (current tree) or a v2 create. */
    public void createInstance(String name, int id, List<Integer> logicalCpus, long memoryBytes) {
        if (host.kernel().generation() == InterfaceGeneration.RFC_V2) {
            byte[] tree = Fdt.write(
                    V2Tree.toTree(List.of(new V2Instance(name, id, logicalCpus, OptionalLong.of(memoryBytes)))));
            mkctl(m -> {
                m.mount();
                return m.v2Create(tree, List.of(name));
            });
            return;
        }
        OverlayTransaction tx = OverlayTransaction.of(new OverlayOperation.InstanceCreate(
                name, OptionalInt.of(id), new InstanceResources(memoryBytes, apicIds(logicalCpus), List.of())));
        mkctl(m -> m.applyOverlay(Fdt.write(tx.toTree())));
    }

    /** Loads {@code kernel} into the instance and starts it: it ends {@code active}. */
    public void boot(String name, Path kernel) {
        int id = idOf(name);
        mkctl(m -> {
            m.load(id, kernel.toString(), Optional.empty(), "console=ttyS0");
            return m.exec(id);
        });
    }

    /** Halts an active instance (graceful): it goes back to {@code loaded}. */
    public void halt(String name) {
        int id = idOf(name);
        mkctl(m -> m.halt(id, HaltMode.GRACEFUL, Duration.ofSeconds(30)));
    }

    /**
     * Removes an instance the way an operator would: halt if active, unload if it holds an image,
     * then instance-remove (current tree) or v2-remove.
     */
    public void removeInstance(String name) {
        InstanceState inst = instance(name);
        int id = inst.id().orElseThrow();
        mkctl(m -> {
            if (inst.status() == InstanceStatus.ACTIVE && host.kernel().generation() == InterfaceGeneration.CURRENT) {
                m.halt(id, HaltMode.GRACEFUL, Duration.ofSeconds(30));
            }
            if (m.state().instance(name).orElseThrow().status().hasImage()) {
                m.unload(id);
            }
            if (host.kernel().generation() == InterfaceGeneration.RFC_V2) {
                return m.v2Remove(name);
            }
            return m.applyOverlay(Fdt.write(OverlayTransaction.of(new OverlayOperation.InstanceRemove(name))
                    .toTree()));
        });
    }

    /**
     * Gives an instance more CPUs and takes some away with one overlay transaction on
     * {@code /instances/<name>} (no Terraform tag, as an operator writes it).
     *
     * @return the transaction id
     */
    public int changeInstanceCpus(String name, List<Integer> addLogical, List<Integer> removeLogical) {
        requireGeneration(InterfaceGeneration.CURRENT, "an instance overlay");
        List<OverlayOperation> ops = new ArrayList<>();
        OverlayTarget target = OverlayTarget.instance(name);
        if (!removeLogical.isEmpty()) {
            ops.add(new OverlayOperation.CpuRemove(target, cpuItems(removeLogical)));
        }
        if (!addLogical.isEmpty()) {
            ops.add(new OverlayOperation.CpuAdd(target, cpuItems(addLogical)));
        }
        return overlay(OverlayTransaction.of(ops));
    }

    /** Adds memory to the pool with an overlay on {@code /resources}; returns the transaction id. */
    public int addPoolMemory(long bytes, int numaNode) {
        requireGeneration(InterfaceGeneration.CURRENT, "a pool overlay");
        return overlay(
                OverlayTransaction.of(new OverlayOperation.PoolMemoryAdd(List.of(MemoryRequest.of(bytes, numaNode)))));
    }

    /** Adds CPUs to the pool with an overlay on {@code /resources}; returns the transaction id. */
    public int addPoolCpus(List<Integer> logicalCpus) {
        requireGeneration(InterfaceGeneration.CURRENT, "a pool overlay");
        return overlay(OverlayTransaction.of(new OverlayOperation.CpuAdd(OverlayTarget.POOL, cpuItems(logicalCpus))));
    }

    /** Writes any overlay transaction; returns its id. */
    public int overlay(OverlayTransaction tx) {
        return mkctl(m -> m.applyOverlay(Fdt.write(tx.toTree()))).transaction().id();
    }

    /** Rolls back tx_N. */
    public void removeOverlay(int transactionId) {
        mkctl(m -> m.removeOverlay(transactionId));
    }

    /** Reboots the whole host (the simulator's control; mkctl has no way to): returns the new boot id. */
    public String rebootHost() {
        return host.reboot();
    }

    /** APIC id of each logical CPU, from the host's topology (what the current tree speaks). */
    public List<Long> apicIds(List<Integer> logicalCpus) {
        HostTopology topology = host.kernel().topology();
        return logicalCpus.stream()
                .map(c -> (long) topology.cpuByLogicalId(c)
                        .orElseThrow(() -> new IllegalArgumentException("host " + host.name() + " has no CPU " + c))
                        .apicId())
                .toList();
    }

    private List<CpuItem> cpuItems(List<Integer> logicalCpus) {
        return apicIds(logicalCpus).stream().map(CpuItem::of).toList();
    }

    private int idOf(String name) {
        return instance(name).id().orElseThrow(() -> new IllegalStateException("instance " + name + " has no id"));
    }

    private void requireGeneration(InterfaceGeneration g, String what) {
        if (host.kernel().generation() != g) {
            throw new IllegalStateException(what + " needs a " + g + " host; " + host.name() + " is "
                    + host.kernel().generation());
        }
    }
}
