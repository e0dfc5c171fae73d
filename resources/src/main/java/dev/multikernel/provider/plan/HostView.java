package dev.multikernel.provider.plan;

import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.devicetree.multikernel.PciFunction;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.host.state.IomemRange;
import dev.multikernel.provider.values.CpuList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the planner needs to know about one host, in logical CPU numbers. Built from a
 * {@link HostState} with {@link #from}, or directly (tests, offline snapshots).
 *
 * @param hostName         the host's name in messages ({@code h1})
 * @param generation       the interface generation it speaks
 * @param unusable         why the host cannot take instances at all; empty when it can
 * @param topology         its CPUs
 * @param poolCpus         the CPUs instances may be given (the pool on the current tree; every
 *                         CPU on RFC v2, which has no CPU pool)
 * @param unnamedPoolCpus  pool CPUs (physical ids) whose logical number is unknown
 * @param poolMemory       the pool's memory chunks
 * @param freeDevices      PCI devices in the pool and not lent to an instance
 * @param instances        the instances on the host, sorted by name
 * @param unaccountedCpus  pool CPUs the kernel reports as taken ({@code cpus} minus
 *                         {@code cpus-available}) that no readable instance holds: held by an
 *                         instance whose device tree could not be read, never given out
 */
public record HostView(
        String hostName,
        InterfaceGeneration generation,
        Optional<String> unusable,
        CpuTopology topology,
        CpuList poolCpus,
        List<Long> unnamedPoolCpus,
        List<MemoryChunk> poolMemory,
        List<PciAddress> freeDevices,
        List<HostInstance> instances,
        CpuList unaccountedCpus) {

    /** The {@code /proc/iomem} name of the RFC v2 boot-time pool. */
    public static final String POOL_RESOURCE = "Multikernel Memory Pool";
    /** The {@code /proc/iomem} name of an instance's memory: group 1 its id, group 2 its name. */
    public static final Pattern INSTANCE_REGION = Pattern.compile("mk-instance-(\\d+)-(.*)-region-\\d+");

    public HostView {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(unusable, "unusable");
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(poolCpus, "poolCpus");
        unnamedPoolCpus = List.copyOf(unnamedPoolCpus);
        poolMemory = poolMemory.stream()
                .sorted(Comparator.comparingLong(MemoryChunk::base))
                .toList();
        freeDevices = List.copyOf(freeDevices);
        instances = instances.stream()
                .sorted(Comparator.comparing(HostInstance::name))
                .toList();
        Objects.requireNonNull(unaccountedCpus, "unaccountedCpus");
    }

    /** A view in which every taken CPU is held by one of {@code instances}. */
    public HostView(
            String hostName,
            InterfaceGeneration generation,
            Optional<String> unusable,
            CpuTopology topology,
            CpuList poolCpus,
            List<Long> unnamedPoolCpus,
            List<MemoryChunk> poolMemory,
            List<PciAddress> freeDevices,
            List<HostInstance> instances) {
        this(
                hostName,
                generation,
                unusable,
                topology,
                poolCpus,
                unnamedPoolCpus,
                poolMemory,
                freeDevices,
                instances,
                CpuList.EMPTY);
    }

    public Optional<HostInstance> instance(String name) {
        return instances.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** Every PCI device the pool knows: free ones and those lent to instances. */
    public List<PciAddress> allDevices() {
        List<PciAddress> all = new ArrayList<>(freeDevices);
        instances.forEach(i -> all.addAll(i.devices()));
        return all.stream()
                .distinct()
                .sorted(Comparator.comparing(PciAddress::toString))
                .toList();
    }

    /** The NUMA node of the pool chunk holding {@code address}, if any. */
    OptionalInt nodeOfAddress(long address) {
        for (MemoryChunk c : poolMemory) {
            if (address >= c.base() && address < c.end()) {
                return c.numaNode();
            }
        }
        return OptionalInt.empty();
    }

    /**
     * This view with the pool a {@code multikernel_pool} plan of the same run will leave: its
     * CPUs, memory and devices replace the host's, so instances planned together with their pool
     * are checked against it. Memory chunks the host does not have yet get placeholder addresses
     * above any real one (the kernel picks the real ones; the planner only needs sizes and nodes).
     * Views of hosts without the current interface are returned unchanged.
     */
    public HostView withPool(PlannedPool pool) {
        boolean current = generation == InterfaceGeneration.CURRENT
                || (generation == InterfaceGeneration.UNKNOWN && unusable.isPresent());
        if (!current) {
            return this;
        }
        List<MemoryChunk> memory = new ArrayList<>();
        List<MemoryChunk> existing = new ArrayList<>(poolMemory);
        long placeholder = 1L << 46;
        for (var request : pool.memory()) {
            MemoryChunk match = existing.stream()
                    .filter(c -> c.size() == request.size() && c.numaNode().equals(request.numaNode()))
                    .findFirst()
                    .orElse(null);
            if (match != null) {
                existing.remove(match);
                memory.add(match);
            } else {
                memory.add(new MemoryChunk(placeholder, request.size(), request.numaNode()));
                placeholder += Math.max(request.size(), 1L << 30);
            }
        }
        List<PciAddress> lent =
                instances.stream().flatMap(i -> i.devices().stream()).toList();
        List<PciAddress> free =
                pool.devices().stream().filter(d -> !lent.contains(d)).toList();
        return new HostView(
                hostName,
                InterfaceGeneration.CURRENT,
                Optional.empty(),
                topology,
                pool.cpus(),
                List.of(),
                memory,
                free,
                instances,
                unaccountedCpus.intersection(pool.cpus()));
    }

    /**
     * The lowest pool range of {@code size} bytes that no instance holds, on {@code node} when
     * given: where a live memory-add can take its memory.
     */
    public Optional<MemoryChunk> firstFreeRange(long size, OptionalInt node) {
        FreeMemory free = new FreeMemory(poolMemory);
        for (HostInstance i : instances) {
            i.memory().forEach(free::reserve);
        }
        return free.take(size, node, true).map(l -> l.get(0));
    }

    /** Reads the planner's view of host {@code hostName} from its state. */
    public static HostView from(String hostName, HostState state) {
        CpuTopology topology = CpuTopology.from(state.cpus());
        if (!state.usable()) {
            String why = switch (state.generation()) {
                case NONE -> "host " + hostName + " has no multikernel support (/sys/fs/multikernel does not exist)";
                case UNKNOWN -> "/sys/fs/multikernel is not mounted on host " + hostName;
                default -> "/sys/fs/multikernel is not mounted on host " + hostName;
            };
            return new HostView(
                    hostName,
                    state.generation(),
                    Optional.of(why),
                    topology,
                    CpuList.EMPTY,
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of());
        }
        return state.generation() == InterfaceGeneration.CURRENT
                ? fromCurrent(hostName, state, topology)
                : fromV2(hostName, state, topology);
    }

    private static HostView fromCurrent(String hostName, HostState state, CpuTopology topology) {
        Optional<PoolTree> pool = state.pool().flatMap(p -> p.deviceTree().value());
        if (pool.isEmpty()) {
            String why = state.pool()
                    .flatMap(p -> p.deviceTree().problem())
                    .map(p -> "the pool of host " + hostName + " could not be read: " + p)
                    .orElse("host " + hostName + " has no pool yet: create a multikernel_pool first");
            return new HostView(
                    hostName,
                    state.generation(),
                    Optional.of(why),
                    topology,
                    CpuList.EMPTY,
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of());
        }
        PoolTree tree = pool.get();
        if (tree.chunks().isEmpty()
                && tree.pciDevices().isEmpty()
                && tree.cpusAvailable().isEmpty()
                && state.instances().isEmpty()) {
            // before any baseline the kernel reads back every CPU and nothing else: no pool yet
            return new HostView(
                    hostName,
                    state.generation(),
                    Optional.of("host " + hostName + " has no pool yet: create a multikernel_pool first"),
                    topology,
                    CpuList.EMPTY,
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of());
        }
        List<Integer> poolCpus = new ArrayList<>();
        List<Long> unnamed = new ArrayList<>();
        for (long p : tree.cpus()) {
            OptionalInt l = topology.logicalOf(p);
            if (l.isPresent()) {
                poolCpus.add(l.getAsInt());
            } else {
                unnamed.add(p);
            }
        }
        List<MemoryChunk> chunks = new ArrayList<>();
        for (PoolChunk c : tree.chunks()) {
            chunks.add(new MemoryChunk(c.base(), c.size(), c.numaNode()));
        }
        HostView poolOnly = new HostView(
                hostName,
                state.generation(),
                Optional.empty(),
                topology,
                CpuList.of(poolCpus),
                unnamed,
                chunks,
                List.of(),
                List.of());
        List<HostInstance> instances = new ArrayList<>();
        for (InstanceState i : state.instances()) {
            Optional<InstanceTree> t = i.deviceTree().flatMap(d -> d.value());
            List<Integer> cpus = new ArrayList<>();
            List<MemoryChunk> memory = new ArrayList<>();
            List<PciAddress> devices = new ArrayList<>();
            if (t.isPresent()) {
                for (long p : t.get().cpus()) {
                    topology.logicalOf(p).ifPresent(cpus::add);
                }
                if (t.get().memoryBytes() > 0) {
                    memory.add(new MemoryChunk(
                            t.get().memoryBase(),
                            t.get().memoryBytes(),
                            poolOnly.nodeOfAddress(t.get().memoryBase())));
                }
                t.get().pciDevices().stream().map(PciFunction::address).forEach(devices::add);
            }
            instances.add(new HostInstance(i.name(), i.id(), i.status(), CpuList.of(cpus), memory, devices));
        }
        List<PciAddress> free =
                tree.pciDevices().stream().map(PciFunction::address).toList();
        List<Integer> available = new ArrayList<>();
        for (long p : tree.cpusAvailable()) {
            topology.logicalOf(p).ifPresent(available::add);
        }
        CpuList held = CpuList.EMPTY;
        for (HostInstance i : instances) {
            held = held.union(i.cpus());
        }
        CpuList unaccounted = CpuList.of(poolCpus).minus(CpuList.of(available)).minus(held);
        return new HostView(
                hostName,
                state.generation(),
                Optional.empty(),
                topology,
                CpuList.of(poolCpus),
                unnamed,
                chunks,
                free,
                instances,
                unaccounted);
    }

    private static HostView fromV2(String hostName, HostState state, CpuTopology topology) {
        List<MemoryChunk> chunks = new ArrayList<>();
        List<IomemRange> regions = new ArrayList<>();
        for (IomemRange r : state.iomem().orElse(List.of())) {
            if (r.name().equals(POOL_RESOURCE)) {
                chunks.add(MemoryChunk.of(r.start(), r.size()));
            } else if (INSTANCE_REGION.matcher(r.name()).matches()) {
                regions.add(r);
            }
        }
        List<HostInstance> instances = new ArrayList<>();
        for (InstanceState i : state.instances()) {
            List<MemoryChunk> memory = new ArrayList<>();
            for (IomemRange r : regions) {
                Matcher m = INSTANCE_REGION.matcher(r.name());
                if (m.matches() && m.group(2).equals(i.name())) {
                    memory.add(MemoryChunk.of(r.start(), r.size()));
                }
            }
            CpuList cpus = i.deviceTreeSource().map(HostView::v2Cpus).orElse(CpuList.EMPTY);
            instances.add(new HostInstance(i.name(), i.id(), i.status(), cpus, memory, List.of()));
        }
        // a v2 host without a pool (no mkkernel_pool=) can still take instances without memory
        return new HostView(
                hostName,
                state.generation(),
                Optional.empty(),
                topology,
                topology.all(),
                List.of(),
                chunks,
                List.of(),
                instances);
    }

    /**
     * The {@code cpus} of an RFC v2 {@code device_tree_source} ({@link V2InstanceSource}).
     * Unreadable text gives the empty set: the planner then does not count those CPUs as taken,
     * and the host's online list (offline CPUs are not in the topology as free) stays the last word.
     */
    static CpuList v2Cpus(String source) {
        return V2InstanceSource.parse(source).cpus().map(CpuList::of).orElse(CpuList.EMPTY);
    }
}
