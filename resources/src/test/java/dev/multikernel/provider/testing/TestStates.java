package dev.multikernel.provider.testing;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.mkctl.MkctlResult;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.host.state.DeviceTreeBlob;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.host.state.IomemRange;
import dev.multikernel.host.state.PoolState;
import dev.multikernel.host.state.TransactionState;
import dev.multikernel.host.state.TransactionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Host states for unit tests of resources, as {@code mkctl state} would report them. Every host
 * has 8 CPUs: logical {@code n} has APIC id {@code 2n}, CPUs 0-3 are on NUMA node 0 and 4-7 on
 * node 1; its boot id is {@link #BOOT}.
 */
public final class TestStates {
    public static final String BOOT = "boot-1";
    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;
    /** Where the pool chunk of {@link #withPool} starts. */
    public static final long CHUNK_BASE = 0x1_0000_0000L;

    private TestStates() {}

    /** APIC id of logical CPU {@code n}. */
    public static long apic(int logical) {
        return 2L * logical;
    }

    /** A current-tree host, mounted, without a baseline yet. */
    public static HostState current() {
        List<Long> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(apic(i));
        }
        return state(
                InterfaceGeneration.CURRENT,
                true,
                cpus(List.of()),
                Optional.of(pool(new PoolTree(all, List.of(), List.of(), List.of(), List.of(), Map.of()))),
                List.of(),
                List.of(),
                Optional.empty());
    }

    /** A current-tree host whose kernel interface is not mounted yet (generation unknown). */
    public static HostState unmounted() {
        return state(
                InterfaceGeneration.UNKNOWN,
                false,
                cpus(List.of()),
                Optional.empty(),
                List.of(),
                List.of(),
                Optional.empty());
    }

    /**
     * A current-tree host whose pool holds logical CPUs {@code poolCpus} (offline, free unless an
     * instance of {@code instances} holds them) and one 1 GiB chunk on node 0 at {@link #CHUNK_BASE}.
     */
    public static HostState withPool(
            List<Integer> poolCpus, List<InstanceState> instances, List<TransactionState> transactions) {
        List<Long> ids = poolCpus.stream().map(TestStates::apic).toList();
        List<Long> held = new ArrayList<>();
        for (InstanceState i : instances) {
            i.deviceTree().flatMap(DeviceTreeBlob::value).ifPresent(t -> held.addAll(t.cpus()));
        }
        List<Long> free = ids.stream().filter(id -> !held.contains(id)).toList();
        PoolTree tree = new PoolTree(
                ids, free, List.of(new PoolChunk(CHUNK_BASE, GIB, OptionalInt.of(0))), List.of(), List.of(), Map.of());
        return state(
                InterfaceGeneration.CURRENT,
                true,
                cpus(poolCpus),
                Optional.of(pool(tree)),
                instances,
                transactions,
                Optional.empty());
    }

    /** An RFC v2 host with a boot-time pool of {@code poolBytes} (none when 0) and {@code instances}. */
    public static HostState rfcV2(long poolBytes, List<InstanceState> instances) {
        List<IomemRange> iomem = poolBytes == 0
                ? List.of()
                : List.of(new IomemRange(CHUNK_BASE, CHUNK_BASE + poolBytes - 1, "Multikernel Memory Pool", 0));
        return state(
                InterfaceGeneration.RFC_V2,
                true,
                cpus(List.of()),
                Optional.empty(),
                instances,
                List.of(),
                Optional.of(iomem));
    }

    /** An instance of a current-tree host with its tree. */
    public static InstanceState instance(
            String name, int id, InstanceStatus status, List<Integer> cpus, long base, long bytes) {
        InstanceTree tree = new InstanceTree(
                name, id, base, bytes, cpus.stream().map(TestStates::apic).toList(), List.of(), List.of(), Map.of());
        return new InstanceState(
                name,
                OptionalInt.of(id),
                status,
                status.name().toLowerCase(java.util.Locale.ROOT),
                Optional.of(DeviceTreeBlob.decode(Fdt.write(tree.toTree()), InstanceTree::read)),
                Optional.empty());
    }

    /** Transaction {@code tx_N} as the host lists it. */
    public static TransactionState transaction(
            int id, TransactionStatus status, String instance, OverlayTransaction tx) {
        return new TransactionState(
                id,
                status,
                status.name().toLowerCase(java.util.Locale.ROOT),
                instance,
                "",
                DeviceTreeBlob.decode(Fdt.write(tx.toTree()), OverlayTransaction::read));
    }

    /** What mkctl answers to an overlay write that the kernel applied as {@code tx_N}. */
    public static MkctlResult.OverlayApplied applied(int id) {
        return new MkctlResult.OverlayApplied(
                100, new MkctlResult.Transaction(id, TransactionStatus.APPLIED, "applied", "", ""), List.of());
    }

    public static HostState with(HostState s, List<InstanceState> instances, List<TransactionState> transactions) {
        return new HostState(
                s.generation(),
                s.mounted(),
                s.kernelRelease(),
                s.bootId(),
                s.cpus(),
                s.pool(),
                instances,
                transactions,
                s.kernelImages(),
                s.iomem(),
                s.warnings());
    }

    public static HostState rebooted(HostState s, String bootId) {
        return new HostState(
                s.generation(),
                s.mounted(),
                s.kernelRelease(),
                bootId,
                s.cpus(),
                s.pool(),
                s.instances(),
                s.transactions(),
                s.kernelImages(),
                s.iomem(),
                s.warnings());
    }

    private static PoolState pool(PoolTree tree) {
        return new PoolState(DeviceTreeBlob.decode(Fdt.write(tree.toTree()), PoolTree::read));
    }

    /** The 8 CPUs; those in {@code offline} are offline, with the APIC id mkctl remembered. */
    private static List<CpuState> cpus(List<Integer> offline) {
        List<CpuState> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            out.add(new CpuState(
                    i, OptionalInt.of((int) apic(i)), OptionalInt.of(i < 4 ? 0 : 1), !offline.contains(i)));
        }
        return out;
    }

    private static HostState state(
            InterfaceGeneration g,
            boolean mounted,
            List<CpuState> cpus,
            Optional<PoolState> pool,
            List<InstanceState> instances,
            List<TransactionState> transactions,
            Optional<List<IomemRange>> iomem) {
        return new HostState(
                g,
                mounted,
                Optional.of("6.18.0-mk"),
                BOOT,
                cpus,
                pool,
                instances,
                transactions,
                Optional.of(List.of()),
                iomem,
                List.of());
    }
}
