package dev.multikernel.provider.resources.overlay;

import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.mkctl.MkctlResult;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.TransactionState;
import dev.multikernel.provider.config.HostAddress;
import dev.multikernel.provider.hosts.HostReads;
import dev.multikernel.provider.hosts.Hosts;
import dev.multikernel.provider.kernel.CurrentInterface;
import dev.multikernel.provider.kernel.KernelInterface;
import dev.multikernel.provider.kernel.OverlayWrites;
import dev.multikernel.provider.kernel.RfcV2Interface;
import dev.multikernel.provider.plan.CpuTopology;
import dev.multikernel.provider.resources.AttributeProblem;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Nesting;
import dev.tfjvm.schema.PlanModifiers;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.schema.Validators;
import dev.tfjvm.spi.ApplyContext;
import dev.tfjvm.spi.DeleteContext;
import dev.tfjvm.spi.OperationContext;
import dev.tfjvm.spi.PlanContext;
import dev.tfjvm.spi.ReadContext;
import dev.tfjvm.spi.Resource;
import dev.tfjvm.spi.ResourceException;
import dev.tfjvm.spi.TfObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code multikernel_overlay}: one raw overlay transaction ({@code overlays/tx_N}) against the
 * pool or one instance, tagged {@value OverlayEffects#TAG}. Every change replaces it; destroy
 * rolls it back. It looks only at its own transaction, never at what the pool or the instance
 * holds, so it never takes another resource's change for drift (docs/design/resources.md).
 */
public final class OverlayResource implements Resource {
    public static final String TYPE_NAME = "multikernel_overlay";

    static final String ID = "id";
    static final String TRANSACTION_ID = "transaction_id";
    static final String STATUS = "status";
    static final String BOOT_ID = "boot_id";
    static final String CPU_ADD_PHYSICAL = "cpu_add_physical_ids";
    static final String CPU_REMOVE_PHYSICAL = "cpu_remove_physical_ids";
    static final String APPLIED = "applied";

    private final Hosts hosts;

    public OverlayResource(Hosts hosts) {
        this.hosts = hosts;
    }

    @Override
    public String typeName() {
        return TYPE_NAME;
    }

    @Override
    public Schema schema() {
        return Schema.of(Block.builder()
                .markdownDescription("""
                        One raw overlay transaction (`/sys/fs/multikernel/overlays/tx_N`) against the host's pool \
                        (`/resources`) or one instance, for changes `multikernel_pool` and `multikernel_instance` do \
                        not make. The transaction carries the tag `mk,resources = "terraform:overlay"`.

                        Every change replaces the transaction, and destroying the resource rolls it back \
                        (`rmdir tx_N`). When the kernel fails a transaction, the provider rolls it back at once, or, when \
                        the kernel refuses that (it also undoes the steps that never ran), undoes the steps that took \
                        effect with a compensating transaction tagged `terraform:overlay-undo`: the apply fails and \
                        nothing stays in effect or in the state. \
                        The resource checks only its own transaction: it does not report what the pool or the \
                        instance holds, and `multikernel_instance` leaves out what live overlays changed, so neither \
                        takes the other's change for drift. Hosts on the RFC v2 interface have no overlays.

                        CPU lists are **logical** CPU numbers (as `lscpu` shows them); the provider writes the \
                        physical (APIC) ids the kernel takes and shows them beside.""")
                .attribute(HostReads.hostAttribute()
                        .markdownDescription("The host: `address`, `user@address`, "
                                + "`address:port` or `user@address:port`; what it leaves out comes from the provider "
                                + "configuration.")
                        .planModifiers(replace()))
                .attribute(Attribute.string(OverlaySpec.INSTANCE)
                        .optional()
                        .planModifiers(replace())
                        .markdownDescription("The instance to change (`/instances/<name>`). Left out: the pool "
                                + "(`/resources`). The instance must exist on the host or be planned in the same run."))
                .attribute(Attribute.string(OverlaySpec.CPU_ADD)
                        .optional()
                        .planModifiers(replaceIfMeaningChanges())
                        .markdownDescription("CPUs to add, as a logical cpulist (`\"4-7,10\"`): host CPUs into the "
                                + "pool, or free pool CPUs to the instance."))
                .attribute(Attribute.string(OverlaySpec.CPU_REMOVE)
                        .optional()
                        .planModifiers(replaceIfMeaningChanges())
                        .markdownDescription("CPUs to remove, as a logical cpulist: free pool CPUs back to the "
                                + "host, or the instance's CPUs back to the pool."))
                .attribute(Attribute.nested(
                                OverlaySpec.MEMORY_ADD,
                                Nesting.LIST,
                                Attribute.string(OverlaySpec.SIZE)
                                        .required()
                                        .markdownDescription(
                                                "Size (`\"1GiB\"`, powers of 1024), a non-zero multiple of 4KiB."),
                                Attribute.number(OverlaySpec.NUMA_NODE)
                                        .optional()
                                        .validators(Validators.wholeNumberBetween(0, 1023))
                                        .markdownDescription("NUMA node to take the memory from."),
                                Attribute.string(OverlaySpec.BASE)
                                        .optional()
                                        .markdownDescription(
                                                "Instances only, and required there: start address (`\"0x140000000\"`) of the free "
                                                        + "pool range given to the instance. The pool's memory is placed by the kernel."))
                        .optional()
                        .planModifiers(replaceIfMeaningChanges())
                        .markdownDescription("Memory to add: the pool grows by chunks of `size` (the kernel picks "
                                + "the addresses), or the instance gets the pool range at `base`."))
                .attribute(Attribute.nested(
                                OverlaySpec.MEMORY_REMOVE,
                                Nesting.LIST,
                                Attribute.string(OverlaySpec.BASE)
                                        .required()
                                        .markdownDescription("Start address, such as `\"0x140000000\"`."),
                                Attribute.string(OverlaySpec.SIZE)
                                        .required()
                                        .markdownDescription("Size, such as `\"1GiB\"`."))
                        .optional()
                        .planModifiers(replaceIfMeaningChanges())
                        .markdownDescription("Memory ranges to remove. From the pool, each must be one whole pool "
                                + "chunk exactly as the pool reads back (the plan lists the chunks when one does not "
                                + "match); from an instance, a range it holds. Rolling back a pool `memory-remove` "
                                + "gives the memory back at another address."))
                .attribute(Attribute.of(OverlaySpec.DEVICE_ADD, CtyType.list(CtyType.STRING))
                        .optional()
                        .planModifiers(replaceIfMeaningChanges())
                        .markdownDescription("PCI functions to add (`\"0000:03:00.0\"`): host devices into the pool, "
                                + "or free pool devices to the instance."))
                .attribute(Attribute.of(OverlaySpec.DEVICE_REMOVE, CtyType.list(CtyType.STRING))
                        .optional()
                        .planModifiers(replaceIfMeaningChanges())
                        .markdownDescription("PCI functions to remove: pool devices back to the host, or the "
                                + "instance's devices back to the pool."))
                .attribute(Attribute.string(ID)
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown())
                        .markdownDescription("`<host>:<transaction_id>`, the import id."))
                .attribute(Attribute.number(TRANSACTION_ID)
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown())
                        .markdownDescription("`N` of the kernel's `overlays/tx_N`."))
                .attribute(Attribute.string(STATUS)
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown(""))
                        .markdownDescription("The transaction's status as the kernel shows it: `applied`, or "
                                + "`failed` when a rollback of it failed (the next apply replaces it)."))
                .attribute(Attribute.string(BOOT_ID)
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown())
                        .markdownDescription("The host's boot id when the transaction was written; after a reboot "
                                + "the transaction is gone and is written again."))
                .attribute(Attribute.of(CPU_ADD_PHYSICAL, CtyType.list(CtyType.NUMBER))
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown())
                        .markdownDescription("The physical (APIC) ids of `cpu_add`, as written to the kernel."))
                .attribute(Attribute.of(CPU_REMOVE_PHYSICAL, CtyType.list(CtyType.NUMBER))
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown())
                        .markdownDescription("The physical (APIC) ids of `cpu_remove`, as written to the kernel."))
                .build());
    }

    private static dev.tfjvm.schema.PlanModifier replace() {
        return PlanModifiers.requiresReplace();
    }

    /** Replaces unless the new value says the same in other words (`"4-7"` and `"7,4-6"`). */
    private static dev.tfjvm.schema.PlanModifier replaceIfMeaningChanges() {
        return PlanModifiers.requiresReplaceIf(
                c -> !Meaning.same(c.prior().orElseThrow(), c.planned()),
                "Changing what this value means replaces the overlay (a different spelling of the same value does "
                        + "not).");
    }

    // ------------------------------------------------------------------ validate and plan

    @Override
    public void validate(TfObject config, Diagnostics diagnostics) {
        HostReads.validateHost(config, diagnostics);
        report(OverlaySpec.parse(config).problems(), diagnostics);
    }

    private static void report(List<AttributeProblem> problems, Diagnostics diagnostics) {
        AttributeProblem.report(problems, diagnostics);
    }

    @Override
    public void modifyPlan(PlanContext context) throws ResourceException {
        TfObject planned = context.planned();
        OverlaySpec.Parsed parsed = OverlaySpec.parse(planned);
        if (!parsed.problems().isEmpty()) {
            report(parsed.problems(), context.diagnostics());
            return;
        }
        Optional<TfObject> prior = context.prior();
        if (prior.isPresent() && Meaning.sameOverlay(prior.get(), planned)) {
            // The same transaction: only its own status matters.
            String status = prior.get().string(STATUS).orElse("");
            if (!APPLIED.equals(status)) {
                context.diagnostics()
                        .warning(
                                CtyPath.ROOT.attr(STATUS),
                                "Overlay transaction is " + status,
                                "Transaction tx_"
                                        + prior.get().longValue(TRANSACTION_ID).orElse(-1L) + " on host "
                                        + planned.string(HostReads.HOST).orElse("?") + " is \"" + status
                                        + "\", not applied:"
                                        + " the kernel did not apply it or failed to roll it back. This plan replaces it:"
                                        + " the apply rolls it back and writes it again.");
                context.setPlanned(planned.withUnknown(STATUS)
                        .withUnknown(TRANSACTION_ID)
                        .withUnknown(ID)
                        .withUnknown(BOOT_ID));
                context.requireReplace(CtyPath.ROOT.attr(STATUS));
            }
            return;
        }
        if (!planned.isKnown(HostReads.HOST) || parsed.spec().isEmpty()) {
            return;
        }
        HostAddress host = HostReads.address(planned);
        HostState state = hosts.state(host);
        Optional<Written> written = check(parsed.spec().get(), host, state, context.diagnostics());
        if (written.isPresent()) {
            context.setPlanned(planned.with(CPU_ADD_PHYSICAL, written.get().cpuAdd())
                    .with(CPU_REMOVE_PHYSICAL, written.get().cpuRemove()));
        }
    }

    /** What a spec becomes on a host: the operations and the physical ids shown. */
    record Written(List<OverlayOperation> operations, List<Long> cpuAdd, List<Long> cpuRemove) {}

    /**
     * Checks {@code spec} against the host as it is (and as this run's plans will leave it);
     * reports every problem on {@code diagnostics} and returns what would be written when there is
     * none.
     */
    Optional<Written> check(OverlaySpec spec, HostAddress host, HostState state, Diagnostics diagnostics) {
        CtyPath hostPath = CtyPath.ROOT.attr(HostReads.HOST);
        String h = host.describe();
        boolean poolPlanned = hosts.ledger().plannedPool(host).isPresent();
        if (KernelInterface.of(state) instanceof RfcV2Interface) {
            diagnostics.error(
                    hostPath,
                    "No overlays on an RFC v2 host",
                    "Host " + h + " speaks the RFC v2 multikernel interface, which has no overlays (no "
                            + "/sys/fs/multikernel/overlays): its instances can only be created and removed whole. "
                            + "Remove this multikernel_overlay, or point host at a host with the current interface.");
            return Optional.empty();
        }
        if (KernelInterface.of(state) instanceof KernelInterface.Unsupported) {
            diagnostics.error(
                    hostPath,
                    "No multikernel support on host " + h,
                    "Host " + h + " has no /sys/fs/multikernel: its kernel is not a multikernel kernel. Point host "
                            + "at a multikernel host.");
            return Optional.empty();
        }
        boolean hasPool = KernelInterface.of(state) instanceof CurrentInterface
                && state.pool().isPresent();
        if (!hasPool && !poolPlanned) {
            diagnostics.error(
                    hostPath,
                    "No pool on host " + h,
                    "Host " + h + " has no multikernel pool yet (no baseline written"
                            + (state.mounted() ? "" : "; /sys/fs/multikernel is not mounted")
                            + "), and the kernel takes overlays only after one. Add a multikernel_pool for this host"
                            + " and make the overlay depend on it.");
            return Optional.empty();
        }
        boolean ok = true;
        CpuTopology topology = CpuTopology.from(state.cpus());
        Map<Integer, Long> physicalByLogical = topology.physicalByLogical();
        CpuList all = topology.all();
        for (String attribute : List.of(OverlaySpec.CPU_ADD, OverlaySpec.CPU_REMOVE)) {
            CpuList list = attribute.equals(OverlaySpec.CPU_ADD) ? spec.cpuAdd() : spec.cpuRemove();
            CpuList missing = list.minus(all);
            if (!missing.isEmpty()) {
                diagnostics.error(
                        OverlaySpec.path(attribute),
                        "No such CPU on host " + h,
                        attribute + " names CPU " + missing.format() + ", which host " + h + " does not have (its CPUs"
                                + " are " + all.format() + ").");
                ok = false;
            }
        }
        if (spec.instance().isPresent()) {
            String name = spec.instance().get();
            if (state.instance(name).isEmpty() && !hosts.ledger().plansInstance(host, name)) {
                diagnostics.error(
                        OverlaySpec.path(OverlaySpec.INSTANCE),
                        "No instance \"" + name + "\" on host " + h,
                        "Host " + h + " has no instance \"" + name + "\"" + instanceList(state) + ", and none is "
                                + "planned in this run. Create it with a multikernel_instance and set instance = "
                                + "multikernel_instance.<name>.name, so the overlay is applied after it.");
                ok = false;
            }
        }
        if (spec.isPool() && !spec.memoryRemove().isEmpty() && hasPool) {
            Optional<PoolTree> pool = state.pool().flatMap(p -> p.deviceTree().value());
            if (pool.isPresent()) {
                for (int i = 0; i < spec.memoryRemove().size(); i++) {
                    OverlaySpec.MemoryRemove r = spec.memoryRemove().get(i);
                    boolean whole =
                            pool.get().chunks().stream().anyMatch(c -> c.base() == r.base() && c.size() == r.size());
                    if (!whole) {
                        diagnostics.error(
                                OverlaySpec.path(OverlaySpec.MEMORY_REMOVE).index(i),
                                "Not a whole pool chunk",
                                "memory_remove[" + i + "] ("
                                        + ByteSize.ofBytes(r.size()).format() + " at "
                                        + OverlaySpec.hex(r.base()) + ") is not one of the pool's chunks, and the "
                                        + "kernel removes only whole chunks as the pool reads back. The pool's "
                                        + "chunks on host " + h + ": "
                                        + chunks(pool.get().chunks()) + ".");
                        ok = false;
                    }
                }
            }
        }
        if (!ok) {
            return Optional.empty();
        }
        List<Long> add;
        List<Long> remove;
        List<OverlayOperation> ops;
        try {
            add = OverlaySpec.physical(OverlaySpec.CPU_ADD, spec.cpuAdd(), physicalByLogical);
            remove = OverlaySpec.physical(OverlaySpec.CPU_REMOVE, spec.cpuRemove(), physicalByLogical);
            ops = spec.operations(physicalByLogical);
        } catch (OverlaySpec.UnmappedCpuException e) {
            diagnostics.error(
                    OverlaySpec.path(e.attribute()), "CPU not known by its physical id on host " + h, e.getMessage());
            return Optional.empty();
        }
        int bytes = CurrentInterface.overlayBytes(OverlayEffects.TAG, ops);
        if (bytes > CurrentInterface.SINGLE_WRITE_LIMIT) {
            diagnostics.error(
                    CtyPath.ROOT,
                    "Overlay too large",
                    "The transaction is " + bytes + " bytes, and the kernel takes at most "
                            + CurrentInterface.SINGLE_WRITE_LIMIT
                            + " bytes in one overlay write. Split it into several "
                            + "multikernel_overlay resources.");
            return Optional.empty();
        }
        return Optional.of(new Written(ops, add, remove));
    }

    private static String instanceList(HostState state) {
        if (state.instances().isEmpty()) {
            return " (it has none)";
        }
        return " (it has "
                + String.join(
                        ", ",
                        state.instances().stream()
                                .map(i -> "\"" + i.name() + "\"")
                                .toList()) + ")";
    }

    private static String chunks(List<PoolChunk> chunks) {
        if (chunks.isEmpty()) {
            return "none";
        }
        return String.join(
                ", ",
                chunks.stream()
                        .map(c -> "{ base = \"" + OverlaySpec.hex(c.base()) + "\", size = \""
                                + ByteSize.ofBytes(c.size()).format() + "\" }")
                        .toList());
    }

    // ------------------------------------------------------------------ apply

    @Override
    public TfObject create(ApplyContext context) throws ResourceException {
        TfObject planned = context.planned();
        OverlaySpec.Parsed parsed = OverlaySpec.parse(context.config());
        if (parsed.spec().isEmpty()) {
            AttributeProblem p = parsed.problems().isEmpty()
                    ? new AttributeProblem(CtyPath.ROOT, "Overlay not known", "The configuration is not known.")
                    : parsed.problems().get(0);
            throw p.fail();
        }
        OverlaySpec spec = parsed.spec().get();
        HostAddress host = HostReads.address(planned);
        HostState state = hosts.state(host);
        Diagnostics problems = new Diagnostics();
        Optional<Written> written = check(spec, host, state, problems);
        if (written.isEmpty()) {
            throw firstError(problems);
        }
        Written w = written.get();
        for (String attribute : List.of(CPU_ADD_PHYSICAL, CPU_REMOVE_PHYSICAL)) {
            List<Long> now = attribute.equals(CPU_ADD_PHYSICAL) ? w.cpuAdd() : w.cpuRemove();
            if (planned.isKnown(attribute)
                    && !planned.isNull(attribute)
                    && !numbers(planned, attribute).equals(now)) {
                throw new ResourceException(
                        "CPU numbering changed on host " + host.describe(),
                        "When planned, the CPUs of " + attribute.replace("_physical_ids", "") + " had the physical ids "
                                + numbers(planned, attribute) + "; the host now reports " + now + ". Nothing was "
                                + "written. Run terraform plan again to see the new mapping.",
                        Optional.of(CtyPath.ROOT.attr(attribute)),
                        Optional.empty(),
                        null);
            }
        }
        context.checkStopped();
        OverlayWrites.Outcome outcome = OverlayWrites.write(hosts, host, OverlayEffects.TAG, w.operations(), state);
        Map<Long, Integer> logical = HostReads.logicalByPhysical(state);
        if (outcome instanceof OverlayWrites.Outcome.Failed f) {
            ResourceException e = OverlayWrites.error(
                    host,
                    w.operations(),
                    f,
                    OverlayWrites.Wording.of("apply the overlay")
                            .describedBy(ops -> OverlaySpec.describe(ops, logical))
                            .ifUndone("The apply failed, so nothing is kept in the state.")
                            .ifStuck(
                                    "The overlay is kept in the state as tainted; undo them on the host (or reboot it), "
                                            + "then run terraform state rm on this resource."));
            if (f instanceof OverlayWrites.Outcome.Stuck) {
                throw e.withPartialState(result(planned, host, f.transaction(), "failed", state.bootId(), w));
            }
            throw e;
        }
        MkctlResult.OverlayApplied applied = ((OverlayWrites.Outcome.Applied) outcome).result();
        for (String warning : applied.warnings()) {
            context.diagnostics().warning("Host " + host.describe() + ": " + warning, warning);
        }
        return result(
                planned, host, applied.transaction().id(), applied.transaction().statusText(), state.bootId(), w);
    }

    private static TfObject result(
            TfObject planned, HostAddress host, int tx, String status, String bootId, Written w) {
        return planned.with(ID, planned.requireString(HostReads.HOST) + ":" + tx)
                .with(TRANSACTION_ID, tx)
                .with(STATUS, status)
                .with(BOOT_ID, bootId)
                .with(CPU_ADD_PHYSICAL, w.cpuAdd())
                .with(CPU_REMOVE_PHYSICAL, w.cpuRemove());
    }

    private static List<Long> numbers(TfObject o, String attribute) {
        CtyValue v = o.get(attribute);
        return ((CtyValue.ListVal) v)
                .elements().stream()
                        .map(e -> ((CtyValue.Num) e).value().bigDecimalValue().longValueExact())
                        .toList();
    }

    private static ResourceException firstError(Diagnostics diagnostics) {
        return AttributeProblem.firstError(diagnostics)
                .orElseGet(() -> new ResourceException(
                        "Overlay not written", "The overlay could not be checked against the host."));
    }

    /** Only a change of spelling reaches here (anything else replaces): nothing to do on the host. */
    @Override
    public TfObject update(ApplyContext context) throws ResourceException {
        TfObject out = context.planned();
        TfObject prior = context.prior().orElseThrow();
        for (String computed : List.of(ID, TRANSACTION_ID, STATUS, BOOT_ID, CPU_ADD_PHYSICAL, CPU_REMOVE_PHYSICAL)) {
            if (!out.isKnown(computed)) {
                out = out.with(computed, prior.get(computed));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ read, delete, import

    @Override
    public Optional<TfObject> read(ReadContext context) throws ResourceException {
        TfObject s = context.state();
        HostAddress host = HostReads.address(s);
        HostState state = hosts.state(host);
        Found found = find(s, host, state);
        if (found instanceof Found.Rebooted r) {
            context.diagnostics()
                    .warning(
                            "Host " + host.describe() + " rebooted",
                            "Host " + host.describe() + " rebooted (boot id " + r.before() + " → " + r.now()
                                    + "): pool, "
                                    + "instances and overlays made before the reboot are gone. Overlay transaction tx_"
                                    + r.transaction() + " is gone with them; the next apply writes it again.");
            return Optional.empty();
        }
        if (found instanceof Found.Gone) {
            return Optional.empty();
        }
        TransactionState tx = ((Found.Present) found).tx();
        TfObject out = s.with(STATUS, tx.statusText());
        if (s.isNull(BOOT_ID)) {
            out = out.with(BOOT_ID, state.bootId());
        }
        if (!APPLIED.equals(tx.statusText())) {
            context.diagnostics()
                    .warning(
                            "Overlay transaction tx_" + tx.id() + " is " + tx.statusText(),
                            "On host " + host.describe() + ", transaction tx_" + tx.id() + " is \"" + tx.statusText()
                                    + "\", not applied: the kernel did not apply it, or a rollback of it failed part way. "
                                    + "The next apply replaces it (rolls it back and writes it again).");
        }
        return Optional.of(out);
    }

    /** What the host shows of the transaction a state names. */
    private sealed interface Found {
        record Present(TransactionState tx) implements Found {}

        record Gone() implements Found {}

        record Rebooted(String before, String now, long transaction) implements Found {}
    }

    private static Found find(TfObject s, HostAddress host, HostState state) {
        long n = s.longValue(TRANSACTION_ID).orElse(-1L);
        Optional<String> bootId = s.string(BOOT_ID);
        if (bootId.isPresent() && !bootId.get().equals(state.bootId())) {
            return new Found.Rebooted(bootId.get(), state.bootId(), n);
        }
        if (n < 0 || n > Integer.MAX_VALUE || !(KernelInterface.of(state) instanceof CurrentInterface)) {
            return new Found.Gone();
        }
        return state.transaction((int) n).<Found>map(Found.Present::new).orElse(new Found.Gone());
    }

    @Override
    public void delete(DeleteContext context) throws ResourceException {
        TfObject s = context.state();
        HostAddress host = HostReads.address(s);
        HostState state = hosts.state(host);
        if (!(find(s, host, state) instanceof Found.Present present)) {
            return; // gone already (rolled back elsewhere, or the host rebooted): nothing to roll back
        }
        int tx = present.tx().id();
        context.checkStopped();
        try {
            hosts.change(host, client -> client.removeOverlay(tx));
        } catch (ResourceException e) {
            // ENOENT is ambiguous: tx_N gone, or a step of the rollback failed with it. Look again.
            if (find(s, host, hosts.refreshState(host)) instanceof Found.Present) {
                throw new ResourceException(
                        "Rolling back overlay transaction tx_" + tx + " failed on host " + host.describe(),
                        e.detail() + "\n\nThe kernel refuses to roll back a transaction when "
                                + "undoing a step fails, for example when it would take resources a running instance uses "
                                + "(stop that instance first). tx_" + tx + " stays on the host and in the state.",
                        e);
            }
        }
    }

    @Override
    public TfObject importState(String id, TfObject emptyState, OperationContext context) throws ResourceException {
        int colon = id.lastIndexOf(':');
        if (colon <= 0 || colon == id.length() - 1) {
            throw importError(
                    id,
                    "the id is <host>:<N>, where N is the transaction number of overlays/tx_N, such "
                            + "as \"10.0.0.5:7\" or \"root@10.0.0.5:22:7\".");
        }
        String hostText = id.substring(0, colon);
        int n;
        try {
            n = Integer.parseInt(id.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw importError(
                    id,
                    "\"" + id.substring(colon + 1) + "\" is not a transaction number; the id is "
                            + "<host>:<N> for overlays/tx_N.");
        }
        HostAddress host;
        try {
            host = HostAddress.parse(hostText);
        } catch (IllegalArgumentException e) {
            throw importError(id, e.getMessage());
        }
        HostState state = hosts.state(host);
        if (KernelInterface.of(state) instanceof RfcV2Interface) {
            throw importError(id, "host " + host.describe() + " speaks the RFC v2 interface, which has no overlays.");
        }
        Optional<TransactionState> found =
                KernelInterface.of(state) instanceof CurrentInterface ? state.transaction(n) : Optional.empty();
        if (found.isEmpty()) {
            throw importError(
                    id,
                    "host " + host.describe() + " has no overlay transaction tx_" + n
                            + (state.transactions().isEmpty()
                                    ? " (it has none)."
                                    : " (it has "
                                            + String.join(
                                                    ", ",
                                                    state.transactions().stream()
                                                            .map(t -> "tx_" + t.id())
                                                            .toList())
                                            + ")."));
        }
        TransactionState tx = found.get();
        if (tx.dtbo().value().isEmpty()) {
            throw importError(
                    id,
                    "the blob of tx_" + n + " cannot be read: "
                            + tx.dtbo().problem().orElse("?"));
        }
        OverlayTransaction transaction = tx.dtbo().value().get();
        Optional<String> tag = OverlayEffects.tagOf(tx);
        if (tag.isPresent() && tag.get().startsWith("terraform:") && !tag.get().equals(OverlayEffects.TAG)) {
            throw importError(
                    id,
                    "tx_" + n + " is tagged \"" + tag.get() + "\": it belongs to "
                            + (tag.get().startsWith("terraform:pool") ? "a multikernel_pool" : "a multikernel_instance")
                            + ", which manages it. Import that resource instead.");
        }
        OverlaySpec spec;
        try {
            spec = OverlaySpec.fromTransaction(transaction, HostReads.logicalByPhysical(state));
        } catch (OverlaySpec.UnsupportedTransactionException e) {
            throw importError(id, "tx_" + n + " cannot be managed as a multikernel_overlay: " + e.getMessage() + ".");
        }
        Map<Integer, Long> physicalByLogical = CpuTopology.from(state.cpus()).physicalByLogical();
        List<Long> add;
        List<Long> remove;
        try {
            add = OverlaySpec.physical(OverlaySpec.CPU_ADD, spec.cpuAdd(), physicalByLogical);
            remove = OverlaySpec.physical(OverlaySpec.CPU_REMOVE, spec.cpuRemove(), physicalByLogical);
        } catch (OverlaySpec.UnmappedCpuException e) {
            throw importError(id, e.getMessage()); // cannot happen: fromTransaction mapped them
        }
        return spec.toAttributes(emptyState.with(HostReads.HOST, hostText))
                .with(ID, hostText + ":" + n)
                .with(TRANSACTION_ID, n)
                .with(STATUS, tx.statusText())
                .with(BOOT_ID, state.bootId())
                .with(CPU_ADD_PHYSICAL, add)
                .with(CPU_REMOVE_PHYSICAL, remove);
    }

    private static ResourceException importError(String id, String detail) {
        return new ResourceException("Cannot import multikernel_overlay \"" + id + "\"", detail);
    }
}
