package dev.multikernel.provider.resources.pool;

import static dev.multikernel.provider.resources.pool.PoolSchema.ADDRESS;
import static dev.multikernel.provider.resources.pool.PoolSchema.BOOT_ID;
import static dev.multikernel.provider.resources.pool.PoolSchema.CPUS;
import static dev.multikernel.provider.resources.pool.PoolSchema.DEVICES;
import static dev.multikernel.provider.resources.pool.PoolSchema.GENERATION;
import static dev.multikernel.provider.resources.pool.PoolSchema.HOST;
import static dev.multikernel.provider.resources.pool.PoolSchema.ID;
import static dev.multikernel.provider.resources.pool.PoolSchema.MEMORY;
import static dev.multikernel.provider.resources.pool.PoolSchema.NUMA_NODE;
import static dev.multikernel.provider.resources.pool.PoolSchema.PHYSICAL_CPU_IDS;
import static dev.multikernel.provider.resources.pool.PoolSchema.SIZE;

import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.mkctl.MkctlException;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.host.state.HostState;
import dev.multikernel.provider.config.HostAddress;
import dev.multikernel.provider.hosts.HostReads;
import dev.multikernel.provider.hosts.Hosts;
import dev.multikernel.provider.kernel.CurrentInterface;
import dev.multikernel.provider.kernel.KernelInterface;
import dev.multikernel.provider.kernel.OverlayWrites;
import dev.multikernel.provider.kernel.RfcV2Interface;
import dev.multikernel.provider.plan.CpuTopology;
import dev.multikernel.provider.plan.PlannedPool;
import dev.multikernel.provider.resources.AttributeProblem;
import dev.multikernel.provider.resources.overlay.OverlaySpec;
import dev.multikernel.provider.values.ByteSize;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.spi.ApplyContext;
import dev.tfjvm.spi.DeleteContext;
import dev.tfjvm.spi.OperationContext;
import dev.tfjvm.spi.PlanContext;
import dev.tfjvm.spi.ReadContext;
import dev.tfjvm.spi.Resource;
import dev.tfjvm.spi.ResourceException;
import dev.tfjvm.spi.TfObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code multikernel_pool}: the host's baseline, the resources instances may be given
 * (docs/design/resources.md). The pure parts are {@link PoolSpec} (configuration),
 * {@link LivePool} (the host), {@link PoolChanges} (the difference) and {@link PoolReadBack}
 * (state in the user's form); this class reads and changes hosts.
 */
public final class PoolResource implements Resource {
    public static final String TYPE_NAME = "multikernel_pool";
    /** The {@code mk,resources} tag of every transaction this resource writes. */
    public static final String TAG = "terraform:pool";

    private final Hosts hosts;

    public PoolResource(Hosts hosts) {
        this.hosts = hosts;
    }

    @Override
    public String typeName() {
        return TYPE_NAME;
    }

    @Override
    public Schema schema() {
        return PoolSchema.schema();
    }

    @Override
    public void validate(TfObject config, Diagnostics diagnostics) {
        HostReads.validateHost(config, diagnostics);
        PoolSpec.read(config, diagnostics);
    }

    // ------------------------------------------------------------------------------------ plan

    @Override
    public void modifyPlan(PlanContext context) throws ResourceException {
        TfObject planned = context.planned();
        if (!planned.isKnown(HOST)) {
            return;
        }
        HostAddress host = HostReads.address(planned);
        planned = planned.with(ID, planned.requireString(HOST));
        Diagnostics d = context.diagnostics();
        PoolSpec spec = PoolSpec.read(context.config(), d);
        if (d.hasErrors()) {
            return;
        }
        HostState state = hosts.state(host);
        Optional<TfObject> prior = context.prior();
        String bootId = prior.flatMap(p -> p.string(BOOT_ID)).orElse(null);
        KernelInterface kernel = KernelInterface.of(state);
        if (kernel instanceof KernelInterface.Unsupported) {
            d.error(
                    CtyPath.ROOT.attr(HOST),
                    "Host " + host.describe() + " has no multikernel support",
                    "/sys/fs/multikernel does not exist on host " + host.describe() + ": its kernel was built "
                            + "without multikernel. Boot a multikernel kernel on it, or point host elsewhere.");
            return;
        } else if (kernel instanceof KernelInterface.Unmounted) {
            // not mounted: which interface it speaks shows once apply mounts it; what can be
            // checked without knowing (CPUs and NUMA nodes exist) is checked now
            planned = planned.withUnknown(GENERATION).withUnknown(PHYSICAL_CPU_IDS);
            planned = bootId == null ? planned.withUnknown(BOOT_ID) : planned.with(BOOT_ID, bootId);
            if (spec.known()) {
                report(
                        PoolChanges.compute(
                                host.describe(),
                                spec,
                                LivePool.EMPTY,
                                mapping(state, prior, Optional.empty()),
                                nodes(state, LivePool.EMPTY)),
                        d);
                // instances planned beside this pool are checked against it, as on a mounted host
                hosts.ledger()
                        .recordPool(
                                host,
                                new PlannedPool(
                                        spec.cpuSet(),
                                        spec.memoryList().stream()
                                                .map(m -> new MemoryRequest(
                                                        m.size().bytes(), m.numaNode()))
                                                .toList(),
                                        spec.deviceList().stream()
                                                .map(PoolSpec.Device::address)
                                                .toList()));
            }
        } else if (kernel instanceof CurrentInterface) {
            planned = planCurrent(context, host, state, spec, planned);
        } else {
            planned = planRfcV2(context, host, (RfcV2Interface) kernel, spec, planned);
        }
        if (planned != null && !d.hasErrors()) {
            context.setPlanned(planned);
        }
    }

    private TfObject planCurrent(
            PlanContext context, HostAddress host, HostState state, PoolSpec spec, TfObject planned)
            throws ResourceException {
        Diagnostics d = context.diagnostics();
        TfObject config = context.config();
        String h = host.describe();
        if (config.isKnown(CPUS) && spec.cpuSet().isEmpty()) {
            d.error(
                    PoolSpec.CPUS_PATH,
                    "The pool of host " + h + " needs CPUs",
                    "Host " + h + " speaks the current multikernel interface, whose pool starts with at least one CPU. "
                            + "Set cpus to the logical CPUs to lend, such as \"2-5\".");
        }
        if (config.elementsKnown(MEMORY)
                && (config.isNull(MEMORY) || config.objects(MEMORY).isEmpty())) {
            d.error(
                    PoolSpec.MEMORY_PATH,
                    "The pool of host " + h + " needs memory",
                    "Host " + h + " speaks the current multikernel interface, whose pool starts with at least one "
                            + "memory chunk. Add an entry such as memory = [{ size = \"1GiB\" }].");
        }
        if (d.hasErrors()) {
            return null;
        }
        Optional<TfObject> prior = context.prior();
        String bootId = prior.flatMap(p -> p.string(BOOT_ID)).orElse(null);
        planned = planned.with(GENERATION, PoolSchema.CURRENT);
        planned = bootId == null ? planned.withUnknown(BOOT_ID) : planned.with(BOOT_ID, bootId);
        if (!spec.known()) {
            return planned.withUnknown(PHYSICAL_CPU_IDS);
        }
        CpuTopology mapping = mapping(state, prior, Optional.empty());
        LivePool live = LivePool.EMPTY;
        if (!context.isCreate()) {
            live = LivePool.of(state)
                    .orElseThrow(
                            () -> new ResourceException("Cannot read the pool of host " + h, LivePool.problem(state)));
        }
        PoolChanges changes = PoolChanges.compute(h, spec, live, mapping, nodes(state, live));
        report(changes, d);
        if (d.hasErrors()) {
            return null;
        }
        planned = planned.with(PHYSICAL_CPU_IDS, mapping.physicalIds(spec.cpuSet()));
        List<PoolSpec.Memory> entries = spec.memoryList();
        List<TfObject> memory = new ArrayList<>();
        List<MemoryRequest> requests = new ArrayList<>();
        List<TfObject> plannedEntries = planned.objects(MEMORY);
        for (int i = 0; i < entries.size(); i++) {
            OptionalInt node = changes.plannedNode(entries.get(i), i, live);
            TfObject e = plannedEntries.get(i);
            memory.add(node.isPresent() ? e.with(NUMA_NODE, node.getAsInt()) : e.withUnknown(NUMA_NODE));
            requests.add(new MemoryRequest(entries.get(i).size().bytes(), node));
        }
        if (!planned.isNull(MEMORY)) {
            planned = planned.with(MEMORY, memory);
        }
        hosts.ledger()
                .recordPool(
                        host,
                        new PlannedPool(
                                spec.cpuSet(),
                                requests,
                                spec.deviceList().stream()
                                        .map(PoolSpec.Device::address)
                                        .toList()));
        return planned;
    }

    private TfObject planRfcV2(
            PlanContext context, HostAddress host, RfcV2Interface v2, PoolSpec spec, TfObject planned) {
        Diagnostics d = context.diagnostics();
        HostState state = v2.state();
        long poolBytes = v2.poolBytes();
        checkRfcV2(host, context.config(), spec, poolBytes, d);
        if (d.hasErrors()) {
            return null;
        }
        String bootId = context.prior().flatMap(p -> p.string(BOOT_ID)).orElse(null);
        planned = planned.with(GENERATION, PoolSchema.RFC_V2).with(PHYSICAL_CPU_IDS, List.of());
        planned = bootId == null ? planned.withUnknown(BOOT_ID) : planned.with(BOOT_ID, bootId);
        if (planned.elementsKnown(MEMORY) && !planned.isNull(MEMORY)) {
            planned = planned.with(
                    MEMORY,
                    planned.objects(MEMORY).stream()
                            .map(e -> e.with(NUMA_NODE, null))
                            .toList());
        }
        if (context.isCreate()) {
            d.warning(
                    "The pool of host " + host.describe() + " is read-only",
                    "Host " + host.describe() + " speaks the RFC v2 multikernel interface: its pool is the memory "
                            + "reserved at boot with mkkernel_pool= ("
                            + (poolBytes > 0 ? ByteSize.ofBytes(poolBytes).format() : "none on this host")
                            + "). Terraform adopts it "
                            + "and never changes it; destroying the resource leaves it as it is.");
        }
        List<MemoryRequest> memory = new ArrayList<>();
        if (poolBytes > 0 && poolBytes % ByteSize.PAGE.bytes() == 0) {
            memory.add(MemoryRequest.of(poolBytes));
        }
        CpuTopology mapping = mapping(state, Optional.empty(), Optional.empty());
        hosts.ledger().recordPool(host, new PlannedPool(mapping.all(), memory, List.of()));
        return planned;
    }

    /** The RFC v2 rules: no CPUs, no devices, no NUMA nodes, and memory only as the boot-time pool is. */
    private static void checkRfcV2(HostAddress host, TfObject config, PoolSpec spec, long poolBytes, Diagnostics d) {
        String h = host.describe();
        if (config.isKnown(CPUS) && !config.isNull(CPUS)) {
            d.error(
                    PoolSpec.CPUS_PATH,
                    "Host " + h + " has no CPU pool",
                    "Host " + h + " speaks the RFC v2 multikernel interface, where any CPU the host does not need "
                            + "can be given to an instance; there is no CPU pool to set. Leave cpus out of "
                            + "multikernel_pool.");
        }
        if (config.elementsKnown(DEVICES) && !config.isNull(DEVICES)) {
            d.error(
                    PoolSpec.DEVICES_PATH,
                    "Host " + h + " cannot lend devices",
                    "Host " + h + " speaks the RFC v2 multikernel interface, which cannot give PCI devices to "
                            + "instances. Leave devices out of multikernel_pool.");
        }
        List<PoolSpec.Memory> entries = spec.memoryList();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).numaNode().isPresent()) {
                d.error(
                        PoolSpec.nodePath(i),
                        "RFC v2 cannot place memory on a NUMA node",
                        "The pool of host " + h + " was reserved at boot as one region; leave numa_node out.");
            }
        }
        if (spec.memory().isPresent() && spec.known()) {
            long want = spec.memoryTotal().bytes();
            if (poolBytes == 0) {
                d.error(
                        PoolSpec.MEMORY_PATH,
                        "Host " + h + " has no memory pool",
                        "Host " + h + " speaks the RFC v2 multikernel interface, whose pool is reserved at boot. Add "
                                + "mkkernel_pool=SIZE (such as mkkernel_pool=4G) to its kernel command line and reboot "
                                + "it, or leave memory out.");
            } else if (want != poolBytes) {
                String have = ByteSize.ofBytes(poolBytes).format();
                d.error(
                        PoolSpec.MEMORY_PATH,
                        "The pool of host " + h + " is read-only: it holds " + have,
                        "Host " + h + " speaks the RFC v2 multikernel interface, whose pool is the region reserved at "
                                + "boot with mkkernel_pool= and cannot be changed while the host runs. memory asks for "
                                + ByteSize.ofBytes(want).format() + ". Set memory = [{ size = \"" + have
                                + "\" }] or leave memory out; to resize the pool, change mkkernel_pool= on the host's "
                                + "kernel command line and reboot it.");
            }
        }
    }

    private static void report(PoolChanges changes, Diagnostics d) {
        AttributeProblem.report(changes.problems(), d);
    }

    /** The host's NUMA nodes, as its CPUs and pool chunks show them; empty when it reports none. */
    static Set<Integer> nodes(HostState state, LivePool live) {
        Set<Integer> nodes = new TreeSet<>();
        for (CpuState c : state.cpus()) {
            c.numaNode().ifPresent(nodes::add);
        }
        live.chunks().forEach(c -> c.numaNode().ifPresent(nodes::add));
        return nodes;
    }

    /** The host's CPU mapping, completed with the pairs state and plan recorded. */
    private static CpuTopology mapping(HostState state, Optional<TfObject> prior, Optional<TfObject> planned) {
        Map<Integer, Long> pairs = new java.util.HashMap<>();
        for (Optional<TfObject> o : List.of(planned, prior)) {
            if (o.isPresent()
                    && o.get().isKnown(CPUS)
                    && !o.get().isNull(CPUS)
                    && o.get().isKnown(PHYSICAL_CPU_IDS)) {
                List<Long> ids = new ArrayList<>();
                boolean whole = true;
                if (!o.get().isNull(PHYSICAL_CPU_IDS)) {
                    for (var v : ((dev.tfjvm.cty.CtyValue.ListVal) o.get().get(PHYSICAL_CPU_IDS)).elements()) {
                        if (v.isKnown() && !v.isNull()) {
                            dev.tfjvm.cty.CtyNumber n = ((dev.tfjvm.cty.CtyValue.Num) v).value();
                            whole &= n.fitsLong();
                            ids.add(n.fitsLong() ? n.longValueExact() : -1L);
                        }
                    }
                }
                if (whole) {
                    // (a state edited by hand to hold no APIC ids says nothing about the mapping)
                    CpuTopology.pairs(o.get().requireString(CPUS), ids).forEach(pairs::putIfAbsent);
                }
            }
        }
        return CpuTopology.from(state.cpus()).withRemembered(pairs);
    }

    // ------------------------------------------------------------------------------------ apply

    @Override
    public TfObject create(ApplyContext context) throws ResourceException {
        TfObject planned = context.planned();
        HostAddress host = HostReads.address(planned);
        String h = host.describe();
        PoolSpec spec = specOf(context.config());
        HostState state = hosts.refreshState(host);
        if (KernelInterface.of(state) instanceof KernelInterface.Unmounted) {
            hosts.change(host, c -> c.mount());
            state = hosts.state(host);
        }
        TfObject base = planned.with(ID, planned.requireString(HOST)).with(BOOT_ID, state.bootId());
        KernelInterface kernel = KernelInterface.of(state);
        if (kernel instanceof RfcV2Interface v2) {
            Diagnostics d = new Diagnostics();
            checkRfcV2(host, context.config(), spec, v2.poolBytes(), d);
            throwFirst(d);
            return withValues(
                    base.with(GENERATION, PoolSchema.RFC_V2), PoolReadBack.rfcV2(v2.poolBytes(), spec, false));
        }
        if (!(kernel instanceof CurrentInterface)) {
            throw new ResourceException(
                    "Host " + h + " has no usable multikernel interface",
                    "Host " + h + " reports interface \""
                            + KernelInterface.of(state).wireName() + "\" (mounted: " + state.mounted()
                            + "); a pool needs a mounted multikernel filesystem.",
                    Optional.of(CtyPath.ROOT.attr(HOST)),
                    Optional.empty(),
                    null);
        }
        base = base.with(GENERATION, PoolSchema.CURRENT);
        LivePool live = LivePool.of(state).orElseThrow();
        if (live.exists()) {
            throw new ResourceException(
                    "Host " + h + " already has a pool",
                    "The pool of host " + h + " was made by someone else (or by an earlier run whose state is lost). "
                            + "Import it with: terraform import <address of this multikernel_pool> " + h
                            + ", or give it back on the host first.",
                    Optional.of(CtyPath.ROOT.attr(HOST)),
                    Optional.empty(),
                    null);
        }
        CpuTopology mapping = mapping(state, Optional.empty(), Optional.of(planned));
        PoolSpec wanted = wantedOf(planned, spec);
        PoolChanges changes = PoolChanges.compute(h, wanted, LivePool.EMPTY, mapping, nodes(state, live));
        throwFirst(changes);
        byte[] dtb;
        try {
            dtb = CurrentInterface.baselineBlob(changes.cpuAdd(), changes.memoryAdd());
        } catch (IllegalArgumentException e) {
            throw new ResourceException("Invalid pool for host " + h, e.getMessage() + ".");
        }
        hosts.change(host, c -> c.baseline(dtb));
        if (!changes.deviceAdd().isEmpty()) {
            try {
                transaction(
                        host,
                        List.of(new OverlayOperation.DeviceAdd(
                                dev.multikernel.host.devicetree.multikernel.OverlayTarget.POOL,
                                changes.deviceAdd().stream()
                                        .map(a -> dev.multikernel.host.devicetree.multikernel.PciItem.of(a.toString()))
                                        .toList())),
                        PoolSpec.DEVICES_PATH);
            } catch (ResourceException e) {
                throw e.withPartialState(readBack(host, base, mapping, wanted, context));
            }
        }
        return readBack(host, base, mapping, wanted, context);
    }

    @Override
    public TfObject update(ApplyContext context) throws ResourceException {
        TfObject planned = context.planned();
        TfObject prior = context.prior().orElseThrow();
        HostAddress host = HostReads.address(planned);
        String h = host.describe();
        PoolSpec spec = specOf(context.config());
        HostState state = hosts.refreshState(host);
        String bootId = prior.string(BOOT_ID).orElse(state.bootId());
        if (!state.bootId().equals(bootId)) {
            throw new ResourceException(
                    "Host " + h + " rebooted since the plan",
                    rebootText(h, bootId, state.bootId()) + " Run terraform plan again.");
        }
        TfObject base = planned.with(ID, planned.requireString(HOST)).with(BOOT_ID, bootId);
        KernelInterface kernel = KernelInterface.of(state);
        if (kernel instanceof RfcV2Interface v2) {
            Diagnostics d = new Diagnostics();
            checkRfcV2(host, context.config(), spec, v2.poolBytes(), d);
            throwFirst(d);
            return withValues(
                    base.with(GENERATION, PoolSchema.RFC_V2), PoolReadBack.rfcV2(v2.poolBytes(), spec, false));
        }
        if (!(kernel instanceof CurrentInterface)) {
            throw notReadable(host, state);
        }
        base = base.with(GENERATION, PoolSchema.CURRENT);
        LivePool live = LivePool.of(state)
                .orElseThrow(() -> new ResourceException("Cannot read the pool of host " + h, LivePool.problem(state)));
        if (!live.exists()) {
            throw new ResourceException(
                    "The pool of host " + h + " is gone",
                    "Someone gave back everything the pool held since the plan. Run terraform plan again: it plans "
                            + "to create the pool.");
        }
        CpuTopology mapping = mapping(state, Optional.of(prior), Optional.of(planned));
        PoolSpec wanted = wantedOf(planned, spec);
        PoolChanges changes = PoolChanges.compute(h, wanted, live, mapping, nodes(state, live));
        throwFirst(changes);
        if (!changes.isEmpty()) {
            transaction(host, changes.operations(), pathOf(changes));
        }
        return readBack(host, base, mapping, wanted, context);
    }

    @Override
    public void delete(DeleteContext context) throws ResourceException {
        TfObject prior = context.state();
        HostAddress host = HostReads.address(prior);
        String h = host.describe();
        HostState state = hosts.refreshState(host);
        Optional<String> bootId = prior.string(BOOT_ID);
        if (bootId.isPresent() && !bootId.get().equals(state.bootId())) {
            return; // the pool went with the reboot
        }
        KernelInterface kernel = KernelInterface.of(state);
        if (kernel instanceof RfcV2Interface || kernel instanceof KernelInterface.Unsupported) {
            return; // the boot-time pool stays; nothing was made
        }
        if (kernel instanceof KernelInterface.Unmounted) {
            throw notReadable(host, state);
        }
        LivePool live = LivePool.of(state)
                .orElseThrow(() -> new ResourceException("Cannot read the pool of host " + h, LivePool.problem(state)));
        if (!live.exists()) {
            return;
        }
        List<String> users = new ArrayList<>(
                live.activeHolders().stream().map(LivePool.Holder::name).toList());
        if (!live.unaccountedCpus().isEmpty() && users.isEmpty()) {
            users.add("(an instance whose device tree could not be read)");
        }
        if (!users.isEmpty()) {
            throw new ResourceException(
                    "The pool of host " + h + " is still in use",
                    "Instance" + (users.size() == 1 ? " " : "s ") + PoolChanges.quoted(users) + " on host " + h
                            + " still hold" + (users.size() == 1 ? "s" : "")
                            + " CPUs, memory or devices from the pool. "
                            + "Destroy " + (users.size() == 1 ? "it" : "them") + " first (a multikernel_instance that "
                            + "uses this pool should depend on it), then destroy the pool.");
        }
        transaction(host, PoolChanges.releaseAll(live).operations(), null);
    }

    // ------------------------------------------------------------------------------------ read

    @Override
    public Optional<TfObject> read(ReadContext context) throws ResourceException {
        TfObject prior = context.state();
        HostAddress host = HostReads.address(prior);
        String h = host.describe();
        HostState state = hosts.state(host);
        Optional<String> bootId = prior.string(BOOT_ID);
        boolean importing = bootId.isEmpty();
        if (!importing && !bootId.get().equals(state.bootId())) {
            context.diagnostics().warning("Host " + h + " rebooted", rebootText(h, bootId.get(), state.bootId()));
            return Optional.empty();
        }
        TfObject base = prior.with(ID, prior.requireString(HOST)).with(BOOT_ID, state.bootId());
        PoolSpec wanted = specOf(prior);
        KernelInterface kernel = KernelInterface.of(state);
        if (kernel instanceof RfcV2Interface v2) {
            return Optional.of(withValues(
                    base.with(GENERATION, PoolSchema.RFC_V2), PoolReadBack.rfcV2(v2.poolBytes(), wanted, importing)));
        }
        if (!(kernel instanceof CurrentInterface)) {
            throw notReadable(host, state);
        }
        LivePool live = LivePool.of(state)
                .orElseThrow(() -> new ResourceException("Cannot read the pool of host " + h, LivePool.problem(state)));
        if (!live.exists()) {
            return Optional.empty();
        }
        CpuTopology mapping = mapping(state, Optional.of(prior), Optional.empty());
        PoolReadBack.Values values = PoolReadBack.current(live, mapping, wanted);
        if (!values.unmapped().isEmpty()) {
            String ids = PoolReadBack.ids(values.unmapped());
            String detail = "Host " + h + " reports physical (APIC) ids only for CPUs it has seen online, and pool "
                    + "CPUs are offline, so the logical numbers of the pool CPUs with APIC ids " + ids
                    + " are not known and are never guessed. A mkctl that remembers the mapping from before the "
                    + "CPUs went into the pool (see docs/design/cpu-naming.md) fixes this.";
            if (importing) {
                throw new ResourceException(
                        "Cannot import the pool of host " + h,
                        detail,
                        Optional.of(PoolSpec.CPUS_PATH),
                        Optional.empty(),
                        null);
            }
            context.diagnostics()
                    .warning(
                            PoolSpec.CPUS_PATH,
                            "Pool CPUs of host " + h + " without logical numbers",
                            detail + " They are left out of cpus and listed last in physical_cpu_ids.");
        }
        return Optional.of(withValues(base.with(GENERATION, PoolSchema.CURRENT), values));
    }

    @Override
    public TfObject importState(String id, TfObject emptyState, OperationContext context) throws ResourceException {
        try {
            HostAddress.parse(id);
        } catch (IllegalArgumentException e) {
            throw new ResourceException(
                    "Invalid import id for " + TYPE_NAME,
                    "The id is the host, written as in the " + "host attribute (such as root@10.0.0.5:22): "
                            + e.getMessage());
        }
        return emptyState.with(HOST, id).with(ID, id);
    }

    // ------------------------------------------------------------------------------------ helpers

    private TfObject readBack(
            HostAddress host, TfObject base, CpuTopology planMapping, PoolSpec wanted, OperationContext context)
            throws ResourceException {
        HostState state = hosts.state(host);
        LivePool live = LivePool.of(state)
                .orElseThrow(() -> new ResourceException(
                        "Cannot read the pool of host " + host.describe() + " back", LivePool.problem(state)));
        CpuTopology mapping = CpuTopology.from(state.cpus()).withRemembered(pairsOf(planMapping, live));
        PoolReadBack.Values values = PoolReadBack.current(live, mapping, wanted);
        if (!values.unmapped().isEmpty()) {
            context.diagnostics()
                    .warning(
                            PoolSpec.CPUS_PATH,
                            "Pool CPUs of host " + host.describe() + " without logical numbers",
                            "The pool holds CPUs with APIC ids " + PoolReadBack.ids(values.unmapped())
                                    + " that this configuration did not name.");
        }
        return withValues(base, values);
    }

    /** The pairs {@code mapping} knows for the CPUs of {@code live}. */
    private static Map<Integer, Long> pairsOf(CpuTopology mapping, LivePool live) {
        Map<Integer, Long> out = new java.util.HashMap<>();
        for (long p : live.cpus()) {
            mapping.logicalOf(p).ifPresent(l -> out.put(l, p));
        }
        return out;
    }

    /**
     * Writes one {@code /resources} transaction tagged {@link #TAG}. A transaction the kernel did not
     * apply is undone before the error is returned ({@link OverlayWrites}), and the error says so.
     */
    private void transaction(HostAddress host, List<OverlayOperation> operations, CtyPath path)
            throws ResourceException {
        String h = host.describe();
        HostState before = hosts.state(host);
        OverlayWrites.Outcome outcome = hosts.change(host, client -> {
            try {
                return OverlayWrites.write(client, TAG, operations, before);
            } catch (MkctlException e) {
                throw new ResourceException(
                        "Changing the pool of host " + h + " failed",
                        e.getMessage() + "\n\nNo transaction was left behind: the pool is as it was.",
                        Optional.ofNullable(path),
                        Optional.empty(),
                        e);
            }
        });
        if (outcome instanceof OverlayWrites.Outcome.Failed f) {
            Map<Long, Integer> logical = HostReads.logicalByPhysical(before);
            throw OverlayWrites.error(
                    host,
                    operations,
                    f,
                    OverlayWrites.Wording.of("change the pool")
                            .describedBy(ops -> OverlaySpec.describe(ops, logical))
                            .at(Optional.ofNullable(path))
                            .ifUndone("The pool is as it was.")
                            .ifStuck(
                                    "terraform plan reads the pool and shows what is in effect; the next apply changes it "
                                            + "to the configuration again."));
        }
    }

    /** The attribute a transaction is about, when it touches only one. */
    private static CtyPath pathOf(PoolChanges c) {
        boolean cpus = !c.cpuAdd().isEmpty() || !c.cpuRemove().isEmpty();
        boolean memory = !c.memoryAdd().isEmpty() || !c.memoryRemove().isEmpty();
        boolean devices = !c.deviceAdd().isEmpty() || !c.deviceRemove().isEmpty();
        if (cpus && !memory && !devices) {
            return PoolSpec.CPUS_PATH;
        }
        if (memory && !cpus && !devices) {
            return PoolSpec.MEMORY_PATH;
        }
        if (devices && !cpus && !memory) {
            return PoolSpec.DEVICES_PATH;
        }
        return null;
    }

    /** The configuration's pool, with the NUMA nodes the plan fixed for chunks that already exist. */
    private static PoolSpec wantedOf(TfObject planned, PoolSpec config) {
        PoolSpec fromPlan = PoolSpec.read(planned, new Diagnostics());
        List<PoolSpec.Memory> memory = new ArrayList<>();
        List<PoolSpec.Memory> configured = config.memoryList();
        for (int i = 0; i < configured.size(); i++) {
            PoolSpec.Memory m = configured.get(i);
            if (m.numaNode().isEmpty() && i < fromPlan.memoryList().size()) {
                m = new PoolSpec.Memory(
                        m.text(), m.size(), fromPlan.memoryList().get(i).numaNode());
            }
            memory.add(m);
        }
        return new PoolSpec(config.cpus(), config.memory().map(x -> memory), config.devices(), config.known());
    }

    /** A wholly known object's pool; problems were reported when it was planned. */
    private static PoolSpec specOf(TfObject object) throws ResourceException {
        Diagnostics d = new Diagnostics();
        PoolSpec spec = PoolSpec.read(object, d);
        throwFirst(d);
        return spec;
    }

    private static void throwFirst(Diagnostics d) throws ResourceException {
        AttributeProblem.throwFirst(d);
    }

    private static void throwFirst(PoolChanges changes) throws ResourceException {
        AttributeProblem.throwFirst(changes.problems());
    }

    private static ResourceException notReadable(HostAddress host, HostState state) {
        String h = host.describe();
        if (KernelInterface.of(state) instanceof KernelInterface.Unsupported) {
            return new ResourceException(
                    "Host " + h + " has no multikernel support",
                    "/sys/fs/multikernel does not exist on host " + h + ", so it cannot have a pool.",
                    Optional.of(CtyPath.ROOT.attr(HOST)),
                    Optional.empty(),
                    null);
        }
        return new ResourceException(
                "/sys/fs/multikernel is not mounted on host " + h,
                "The pool cannot be read while the multikernel filesystem is not mounted. Mount it on the host "
                        + "(mount -t multikernel none /sys/fs/multikernel) and run Terraform again.",
                Optional.of(CtyPath.ROOT.attr(HOST)),
                Optional.empty(),
                null);
    }

    static String rebootText(String host, String before, String now) {
        return "host " + host + " rebooted (boot id " + before + " → " + now + "): pool, instances and overlays made "
                + "before the reboot are gone.";
    }

    /** {@code base} with the values read back. */
    static TfObject withValues(TfObject base, PoolReadBack.Values v) {
        List<TfObject> memory = v.memory()
                .map(list -> list.stream()
                        .map(m -> base.newNested(MEMORY)
                                .with(SIZE, m.size())
                                .with(
                                        NUMA_NODE,
                                        m.numaNode().isPresent() ? m.numaNode().getAsInt() : null))
                        .toList())
                .orElse(null);
        List<TfObject> devices = v.devices()
                .map(list -> list.stream()
                        .map(a -> base.newNested(DEVICES).with(ADDRESS, a))
                        .toList())
                .orElse(null);
        return base.with(CPUS, v.cpus().orElse(null))
                .with(PHYSICAL_CPU_IDS, v.physicalIds())
                .with(MEMORY, memory)
                .with(DEVICES, devices);
    }
}
