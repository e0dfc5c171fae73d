package dev.multikernel.provider.resources.instance;

import static dev.multikernel.provider.resources.instance.InstanceSchema.*;

import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.provider.config.HostAddress;
import dev.multikernel.provider.hosts.HostReads;
import dev.multikernel.provider.hosts.Hosts;
import dev.multikernel.provider.kernel.CurrentInterface;
import dev.multikernel.provider.kernel.KernelInterface;
import dev.multikernel.provider.plan.AttributePaths;
import dev.multikernel.provider.plan.ChangeClass;
import dev.multikernel.provider.plan.ChangeDecision;
import dev.multikernel.provider.plan.CpuRequest;
import dev.multikernel.provider.plan.HostPlan;
import dev.multikernel.provider.plan.HostPlanner;
import dev.multikernel.provider.plan.HostView;
import dev.multikernel.provider.plan.InstanceRequest;
import dev.multikernel.provider.plan.InstanceSpec;
import dev.multikernel.provider.plan.PlanProblem;
import dev.multikernel.provider.plan.PlannedInstance;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import dev.multikernel.provider.values.InvalidValueException;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.ConfigValidator;
import dev.tfjvm.schema.ConfigValidators;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.spi.ApplyContext;
import dev.tfjvm.spi.DeleteContext;
import dev.tfjvm.spi.OperationContext;
import dev.tfjvm.spi.PlanContext;
import dev.tfjvm.spi.ReadContext;
import dev.tfjvm.spi.Resource;
import dev.tfjvm.spi.ResourceException;
import dev.tfjvm.spi.TfObject;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code multikernel_instance}. Plans every instance of a host together through the run's
 * {@link dev.multikernel.provider.hosts.PlanLedger} and the {@link HostPlanner}; applies through
 * {@link InstanceLifecycle}; reads back through {@link InstanceReadBack}.
 */
public final class InstanceResource implements Resource {
    public static final String TYPE_NAME = "multikernel_instance";

    private final Hosts hosts;
    private final InstanceLifecycle lifecycle;

    public InstanceResource(Hosts hosts) {
        this.hosts = hosts;
        this.lifecycle = new InstanceLifecycle(hosts);
    }

    @Override
    public String typeName() {
        return TYPE_NAME;
    }

    @Override
    public Schema schema() {
        return InstanceSchema.schema();
    }

    /** Exactly one way to ask for CPUs; the schema's validators report it before validate runs. */
    @Override
    public List<ConfigValidator> configValidators() {
        return List.of(ConfigValidators.exactlyOneOf(InstanceSchema.CPUS, InstanceSchema.CPU_COUNT)
                .explaining("cpus says which CPUs (as lscpu numbers them, e.g. cpus = \"4-7\"); cpu_count says how"
                        + " many, and the provider picks them (e.g. cpu_count = 4)."));
    }

    @Override
    public void validate(TfObject config, Diagnostics diagnostics) {
        HostReads.validateHost(config, diagnostics);
        InstanceConfig.read(config, diagnostics);
    }

    // ---------------------------------------------------------------- plan

    @Override
    public void modifyPlan(PlanContext context) throws ResourceException {
        TfObject config = context.config();
        if (!config.isKnown(HOST) || !config.isKnown(NAME)) {
            return; // decided by values known after apply: checked when they are known
        }
        Diagnostics diagnostics = context.diagnostics();
        Optional<InstanceConfig> read = InstanceConfig.read(config, diagnostics);
        if (read.isEmpty()) {
            return;
        }
        InstanceConfig desired = read.get();
        String hostText = config.requireString(HOST);
        HostAddress host = HostReads.address(config);
        HostState state = hosts.state(host);
        TfObject planned = context.planned().with(ID, hostText + ":" + desired.name());
        Optional<TfObject> prior = context.prior();
        prior.filter(p -> p.string(HOST).orElse("").equals(hostText))
                .ifPresent(p -> hosts.ledger().recordManaged(host, p.requireString(NAME)));
        if (prior.isEmpty() && !takenNameAllows(host, hostText, state, desired, diagnostics)) {
            return;
        }
        Optional<InstanceSpec> priorSpec = prior.flatMap(InstanceResource::spec);
        boolean moved = prior.isPresent()
                && (!prior.get().string(NAME).orElse("").equals(desired.name())
                        || !prior.get().string(HOST).orElse("").equals(hostText));
        if (moved) {
            TfObject before = prior.get();
            if (before.string(HOST).orElse("").equals(hostText)) {
                hosts.ledger().release(host, before.requireString(NAME));
            }
            priorSpec = Optional.empty();
            if ("active".equals(before.string(STATUS).orElse("")) && !desired.allowRestart()) {
                String changed = before.string(HOST).orElse("").equals(hostText) ? NAME : HOST;
                diagnostics.error(
                        CtyPath.ROOT.attr(ALLOW_RESTART),
                        "Instance \"" + before.requireString(NAME) + "\" is replaced and would stop while running",
                        changed + " \""
                                + before.string(changed).orElse("") + "\" → \"" + config.requireString(changed)
                                + "\": the "
                                + "running instance is removed and another one created. Set allow_restart = true on this "
                                + "instance to accept the interruption, or keep the current " + changed + ".");
                return;
            }
        }

        if (prior.isPresent() && prior.get().isNull(KERNEL) && priorSpec.isPresent()) {
            // imported: the kernel does not show what was loaded, so the configured boot settings are
            // recorded, not applied
            InstanceSpec s = priorSpec.get();
            priorSpec = Optional.of(new InstanceSpec(
                    s.name(), s.id(), s.cpus(), s.memory(), s.numaNode(), s.devices(), desired.boot()));
        }
        Optional<dev.tfjvm.diag.Diagnostic> noKernel =
                desired.missingKernel(keepsItsKernel(prior, moved, state, desired));
        if (noKernel.isPresent()) {
            diagnostics.add(noKernel.get());
            return;
        }
        InstanceRequest request = request(desired, priorSpec);
        if (KernelInterface.of(state) instanceof KernelInterface.Unmounted
                && hosts.ledger().plannedPool(host).map(p -> p.cpus().isEmpty()).orElse(false)) {
            // Not mounted, and the pool beside it names no CPUs: an RFC v2 boot-time pool, most
            // likely. Which interface the host speaks shows only once the pool's apply mounts it, so
            // the instance is placed (and checked) then.
            hosts.ledger().recordInstance(host, request);
            context.setPlanned(unplaced(planned, desired));
            return;
        }
        HostPlan plan = planTogether(hosts, host, hostText, state, request);
        report(plan, desired.name(), diagnostics);
        if (plan.hasErrors()
                && plan.problems().stream()
                        .anyMatch(p -> p.isError() && ownPath(p, desired.name()).isPresent())) {
            return;
        }
        Optional<PlannedInstance> mine = plan.instance(desired.name());
        if (mine.isEmpty()) {
            return;
        }
        PlannedInstance p = mine.get();
        // an unmounted host says which interface it speaks once the pool's apply mounts it
        planned = state.usable()
                ? planned.with(GENERATION, KernelInterface.of(state).wireName())
                : planned.withUnknown(GENERATION);
        // Creates keep auto-allocated values unknown: Terraform plans again during apply, resource
        // by resource and in parallel, and what a count gets may depend on which other new
        // instances were planned before it (docs/design/resources.md).
        boolean countGrows = desired.cpus() instanceof CpuRequest.Count c
                && priorSpec.map(s -> c.count() > s.cpus().size()).orElse(true);
        if (desired.cpus() instanceof CpuRequest.Explicit) {
            planned = planned.with(CPU_COUNT, derivedCount(prior, p));
            planned = p.physicalCpuIds().isEmpty()
                    ? planned.withUnknown(PHYSICAL_CPU_IDS)
                    : planned.with(PHYSICAL_CPU_IDS, p.physicalCpuIds());
        } else if (countGrows) {
            planned = planned.withUnknown(CPUS).withUnknown(PHYSICAL_CPU_IDS);
        } else {
            planned = planned.with(CPUS, InstanceReadBack.sameCpus(prior.flatMap(o -> o.string(CPUS)), p.cpus()))
                    .with(PHYSICAL_CPU_IDS, p.physicalCpuIds());
        }
        if (desired.id().isEmpty()) {
            planned = prior.isPresent()
                            && priorSpec
                                    .flatMap(s -> s.id().isPresent() ? Optional.of(s) : Optional.empty())
                                    .isPresent()
                    ? planned.with(INSTANCE_ID, (long) priorSpec.get().id().getAsInt())
                    : planned.withUnknown(INSTANCE_ID);
        }

        if (prior.isEmpty()) {
            planned = planned.withUnknown(STATUS).with(BOOT_ID, state.bootId());
            context.setPlanned(planned);
            return;
        }
        TfObject before = prior.get();
        ChangeDecision decision = p.change().orElse(ChangeDecision.none());
        Optional<InstanceState> onHost = state.instance(desired.name());
        boolean running = onHost.map(i -> i.status() == dev.multikernel.host.state.InstanceStatus.ACTIVE)
                .orElse(false);
        String stateChange = stateChange(before, desired, running);
        if (running
                && !KernelInterface.of(state).capabilities().halt()
                && desired.desiredState() != DesiredState.ACTIVE) {
            diagnostics.error(
                    CtyPath.ROOT.attr(DESIRED_STATE),
                    "Instance \"" + desired.name() + "\" cannot be stopped on host " + hostText,
                    "It is active, and the RFC v2 interface has no way "
                            + "to stop a running instance. Keep desired_state = \"active\", or reboot the host to free it.");
            return;
        }
        if (decision.change() == ChangeClass.REPLACE) {
            context.requireReplace(CtyPath.ROOT.attr(firstChanged(before, config)));
        }
        boolean changes = decision.change() != ChangeClass.NONE || !stateChange.isEmpty();
        if (changes) {
            String what = switch (decision.change()) {
                case NONE -> "Instance \"" + desired.name() + "\": state change";
                case LIVE -> "Instance \"" + desired.name() + "\" changes live";
                case RESTART -> "Instance \"" + desired.name() + "\" restarts";
                case REPLACE -> "Instance \"" + desired.name() + "\" is replaced";
            };
            String detail = (decision.summary() + " " + stateChange).trim();
            if (decision.interrupts() && !desired.allowRestart()) {
                diagnostics.error(
                        CtyPath.ROOT.attr(ALLOW_RESTART),
                        what + " and would stop while running",
                        detail + " Set allow_restart = true on this instance to accept the interruption, or keep "
                                + "the current values.");
                return;
            }
            diagnostics.warning(what, detail);
            planned = keepsStatus(decision, stateChange, before)
                    ? planned.with(STATUS, before.string(STATUS).orElse(null))
                    : planned.withUnknown(STATUS);
        } else {
            planned = planned.with(STATUS, before.string(STATUS).orElse(null));
        }
        context.setPlanned(planned);
    }

    /**
     * A create whose name the host already has: the replacement of this configuration's instance
     * (taint, {@code -replace}, a forced replacement), which stops it if it runs, or a clash with
     * an instance made elsewhere. Either is decided here, at plan time, not found at apply.
     */
    private boolean takenNameAllows(
            HostAddress host, String hostText, HostState state, InstanceConfig desired, Diagnostics diagnostics) {
        Optional<InstanceState> there = state.instance(desired.name());
        if (there.isEmpty() || hosts.ledger().released(host).contains(desired.name())) {
            return true;
        }
        if (!hosts.ledger().manages(host, desired.name())) {
            diagnostics.error(
                    CtyPath.ROOT.attr(NAME),
                    "Instance \"" + desired.name() + "\" already exists on host " + hostText,
                    "The host has an instance of that name, and no resource of this configuration has it in its"
                            + " state (with -refresh=false the plan cannot tell: plan without it). If it was made by"
                            + " hand, by kerf or by an apply whose result was lost, import it with an import block:"
                            + " import { to = <this resource's address>  id = \"" + hostText + ":" + desired.name()
                            + "\" }, or give this instance another name.");
            return false;
        }
        boolean running = there.get().status() == InstanceStatus.ACTIVE;
        if (running && !desired.allowRestart()) {
            diagnostics.error(
                    CtyPath.ROOT.attr(ALLOW_RESTART),
                    "Instance \"" + desired.name() + "\" is replaced and would stop while running",
                    "Terraform plans to replace it (it is tainted, or the plan was asked to with -replace): the running"
                            + " instance is removed and created again. Set allow_restart = true on this instance to"
                            + " accept the interruption, or run terraform untaint on it / leave -replace out.");
            return false;
        }
        return true;
    }

    /**
     * Whether a configuration without {@code kernel} may keep the instance as it is: the instance
     * (the same one, not moved to another name or host) holds a kernel image that the provider did
     * not load (state has no kernel: it was imported). Such a plan loads nothing: boot settings are
     * recorded while state has no kernel, never a restart, and a replacement is planned again as a
     * create, where this is false; a start from {@code ready} has no image to keep.
     */
    private static boolean keepsItsKernel(
            Optional<TfObject> prior, boolean moved, HostState state, InstanceConfig desired) {
        return prior.isPresent()
                && !moved
                && prior.get().isNull(KERNEL)
                && state.instance(desired.name())
                        .map(i -> i.status().hasImage())
                        .orElse(false);
    }

    /**
     * {@code cpu_count} of an instance configured with {@code cpus}: null, the user did not ask for
     * a count. State written before 0.2.0 holds both; its count is kept while it is still right, so
     * upgrading shows no change, and goes to null with the first change of the CPUs.
     */
    private static Long derivedCount(Optional<TfObject> prior, PlannedInstance p) {
        return prior.flatMap(o -> o.isKnown(CPU_COUNT) ? o.longValue(CPU_COUNT) : Optional.empty())
                .filter(n -> n == p.cpus().size())
                .orElse(null);
    }

    /**
     * Whether an update leaves the kernel's status as it is, so the plan shows it known: a live
     * change (an overlay on the instance) does not start, stop or load anything, unless
     * {@code desired_state} changes too. Apply reads the status back, so this must hold there.
     */
    private static boolean keepsStatus(ChangeDecision decision, String stateChange, TfObject prior) {
        return decision.change() == ChangeClass.LIVE
                && stateChange.isEmpty()
                && prior.string(STATUS)
                        .map(s -> s.equals("active") || s.equals("loaded") || s.equals("ready"))
                        .orElse(false);
    }

    /** The plan of an instance placed only at apply: what the provider chooses is not known yet. */
    private static TfObject unplaced(TfObject planned, InstanceConfig desired) {
        TfObject p = planned.withUnknown(GENERATION)
                .withUnknown(PHYSICAL_CPU_IDS)
                .withUnknown(STATUS)
                .withUnknown(BOOT_ID);
        if (desired.cpus() instanceof CpuRequest.Explicit) {
            p = p.with(CPU_COUNT, null);
        } else {
            p = p.withUnknown(CPUS);
        }
        return desired.id().isEmpty() ? p.withUnknown(INSTANCE_ID) : p;
    }

    /**
     * Records {@code request} in the run's ledger and plans it with every instance request of the
     * run on that host, against the host's state with the pool the run plans for it: the one way
     * instances are placed, at plan time and at apply time alike.
     */
    static HostPlan planTogether(
            Hosts hosts, HostAddress host, String hostText, HostState state, InstanceRequest request) {
        HostView view = HostView.from(hostText, state);
        Optional<dev.multikernel.provider.plan.PlannedPool> pool =
                hosts.ledger().plannedPool(host);
        if (pool.isPresent()) {
            view = view.withPool(pool.get());
        }
        List<InstanceRequest> all = hosts.ledger().recordInstance(host, request);
        return HostPlanner.plan(view, all, hosts.ledger().released(host));
    }

    /**
     * Shows this instance's problems on its attributes, and the errors of other instances that
     * this one causes (they name it), once each: the other instance may have been planned before
     * this one was known, so its own plan could not show them.
     */
    private void report(HostPlan plan, String name, Diagnostics diagnostics) {
        for (PlanProblem p : plan.problems()) {
            String key = p.attributePath() + "\n" + p.summary();
            Optional<CtyPath> own = ownPath(p, name);
            if (own.isPresent()) {
                hosts.ledger().firstReport(key);
                CtyPath path = own.get();
                if (p.isError()) {
                    diagnostics.error(path, p.summary(), p.detail());
                } else {
                    diagnostics.warning(path, p.summary(), p.detail());
                }
            } else if (p.isError() && (p.summary() + p.detail()).contains("\"" + name + "\"")) {
                if (!hosts.ledger().firstReport(key)) {
                    continue;
                }
                diagnostics.error(subject(p.attributePath()) + ": " + p.summary(), p.detail());
            }
        }
    }

    /** The attribute of instance {@code name} that {@code p} is about; empty when it is about another one. */
    /**
     * How a problem owned by another instance is named in this one's diagnostic: {@code Instance
     * "db" (cpus)}. The planner's paths are built from instance names, not resource addresses,
     * which the provider never sees, so they are not shown as if they were addresses.
     */
    static String subject(String attributePath) {
        String prefix = TYPE_NAME + ".";
        int dot = attributePath.lastIndexOf('.');
        if (attributePath.startsWith(prefix) && dot > prefix.length()) {
            return "Instance \"" + attributePath.substring(prefix.length(), dot) + "\" ("
                    + attributePath.substring(dot + 1) + ")";
        }
        return attributePath;
    }

    static Optional<CtyPath> ownPath(PlanProblem p, String name) {
        String prefix = TYPE_NAME + "." + name + ".";
        return p.attributePath().startsWith(prefix)
                ? Optional.of(CtyPath.ROOT.attr(p.attributePath().substring(prefix.length())))
                : Optional.empty();
    }

    static AttributePaths paths(String name) {
        return AttributePaths.of(TYPE_NAME + "." + name);
    }

    static InstanceRequest request(InstanceConfig c, Optional<InstanceSpec> prior) {
        InstanceRequest r = new InstanceRequest(
                c.name(), c.id(), c.cpus(), c.memory(), c.numaNode(), c.devices(), c.boot(), paths(c.name()), prior);
        return r;
    }

    /** What state holds, as the planner's settled spec; empty when state lacks the CPUs. */
    static Optional<InstanceSpec> spec(TfObject state) {
        try {
            Optional<String> cpus = state.string(CPUS);
            if (cpus.isEmpty()) {
                return Optional.empty();
            }
            OptionalInt id = state.longValue(INSTANCE_ID)
                    .map(v -> OptionalInt.of(v.intValue()))
                    .orElse(OptionalInt.empty());
            Optional<ByteSize> memory = state.string(MEMORY).isPresent()
                    ? Optional.of(ByteSize.parse(state.requireString(MEMORY)))
                    : Optional.empty();
            OptionalInt node = state.longValue(NUMA_NODE)
                    .map(v -> OptionalInt.of(v.intValue()))
                    .orElse(OptionalInt.empty());
            List<dev.multikernel.host.devicetree.multikernel.PciAddress> devices = state.objects(DEVICES).stream()
                    .map(d -> dev.multikernel.host.devicetree.multikernel.PciAddress.parse(
                            d.requireString(DEVICE_ADDRESS)))
                    .toList();
            return Optional.of(new InstanceSpec(
                    state.requireString(NAME),
                    id,
                    CpuList.parse(cpus.get()),
                    memory,
                    node,
                    devices,
                    new dev.multikernel.provider.plan.BootSpec(
                            state.string(KERNEL).orElse(""),
                            state.string(INITRD).filter(s -> !s.isEmpty()),
                            state.string(CMDLINE).orElse(""))));
        } catch (InvalidValueException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A sentence about a change of desired_state, or "" when it does not change. */
    private static String stateChange(TfObject prior, InstanceConfig desired, boolean running) {
        String was = prior.string(DESIRED_STATE).orElse("active");
        if (was.equals(desired.desiredState().word())) {
            return "";
        }
        String now = desired.desiredState().word();
        return switch (desired.desiredState()) {
            case ACTIVE ->
                "desired_state \"" + was + "\" → \"active\": the instance is "
                        + (was.equals("loaded") ? "started." : "loaded and started.");
            case LOADED ->
                "desired_state \"" + was + "\" → \"loaded\": the instance is "
                        + (running ? "halted, its kernel stays loaded." : "loaded, not started.");
            case READY ->
                "desired_state \"" + was + "\" → \"" + now + "\": the instance is " + (running ? "halted and " : "")
                        + "unloaded.";
        };
    }

    private static String firstChanged(TfObject prior, TfObject config) {
        for (String a :
                List.of(NAME, INSTANCE_ID, CPUS, CPU_COUNT, MEMORY, NUMA_NODE, DEVICES, KERNEL, INITRD, CMDLINE)) {
            if (!config.isNull(a) && config.isKnown(a) && !config.get(a).equals(prior.get(a))) {
                return a;
            }
        }
        return CPUS;
    }

    // ---------------------------------------------------------------- apply

    @Override
    public TfObject create(ApplyContext context) throws ResourceException {
        TfObject planned = context.planned();
        InstanceConfig desired = requireConfig(context);
        String hostText = planned.requireString(HOST);
        HostAddress host = HostReads.address(planned);
        return lifecycle.create(host, hostText, desired, planned, context);
    }

    @Override
    public TfObject update(ApplyContext context) throws ResourceException {
        TfObject planned = context.planned();
        TfObject prior = context.prior().orElseThrow();
        InstanceConfig desired = requireConfig(context);
        HostAddress host = HostReads.address(planned);
        return lifecycle.update(host, planned.requireString(HOST), prior, desired, planned, context);
    }

    @Override
    public void delete(DeleteContext context) throws ResourceException {
        TfObject state = context.state();
        HostAddress host = HostReads.address(state);
        String name = state.requireString(NAME);
        lifecycle.delete(host, state, context);
        hosts.ledger().forgetInstance(host, name);
    }

    /** The configured settings: at apply time every configured value is known. */
    private static InstanceConfig requireConfig(ApplyContext context) throws ResourceException {
        Diagnostics scratch = new Diagnostics();
        Optional<InstanceConfig> c = InstanceConfig.read(context.config(), scratch);
        if (c.isEmpty()) {
            String why = scratch.all().isEmpty()
                    ? "some values are not known"
                    : scratch.all().get(0).summary();
            throw new ResourceException("Invalid instance settings", why);
        }
        return c.get();
    }

    // ---------------------------------------------------------------- read and import

    @Override
    public Optional<TfObject> read(ReadContext context) throws ResourceException {
        TfObject state = context.state();
        HostAddress host = HostReads.address(state);
        String hostText = state.requireString(HOST);
        String name = state.requireString(NAME);
        HostState now = hosts.state(host);
        Optional<String> bootId = state.string(BOOT_ID);
        if (bootId.isPresent() && !bootId.get().equals(now.bootId())) {
            context.diagnostics()
                    .warning(
                            "Host " + hostText + " rebooted",
                            "The boot id of host " + hostText + " changed from " + bootId.get() + " to " + now.bootId()
                                    + ": instance \"" + name
                                    + "\" and everything else made under /sys/fs/multikernel before "
                                    + "the reboot is gone. The plan creates it again.");
            return Optional.empty();
        }
        Optional<InstanceState> instance = now.instance(name);
        if (instance.isPresent()) {
            hosts.ledger().recordManaged(host, name);
        }
        if (instance.isEmpty()) {
            context.diagnostics()
                    .warning(
                            "Instance \"" + name + "\" is gone from host " + hostText,
                            "The host has no instance \"" + name + "\" any more (removed outside Terraform). The plan "
                                    + "creates it again.");
            return Optional.empty();
        }
        return Optional.of(
                InstanceReadBack.describe(state, hostText, now, instance.get(), OverlayAdjustments.of(now, name)));
    }

    @Override
    public TfObject importState(String id, TfObject emptyState, OperationContext context) throws ResourceException {
        int colon = id.lastIndexOf(':');
        if (colon <= 0 || colon == id.length() - 1) {
            throw new ResourceException(
                    "Invalid import id \"" + id + "\"",
                    "Import a multikernel_instance as HOST:NAME, e.g. terraform import multikernel_instance.web "
                            + "10.0.0.5:web (the host as the resource's host attribute writes it).");
        }
        String hostText = id.substring(0, colon);
        String name = id.substring(colon + 1);
        TfObject base = emptyState
                .with(HOST, hostText)
                .with(NAME, name)
                .with(CPU_POLICY, "compact")
                .with(CMDLINE, "")
                .with(HALT_TIMEOUT, DEFAULT_HALT_TIMEOUT)
                .with(FORCE_HALT, false)
                .with(ALLOW_RESTART, false)
                .with(DESIRED_STATE, "active");
        HostAddress host = HostReads.address(base);
        HostState now = hosts.state(host);
        InstanceState instance = now.instance(name)
                .orElseThrow(() -> new ResourceException(
                        "No instance \"" + name + "\" on host " + hostText,
                        "Host " + hostText + " has "
                                + (now.instances().isEmpty()
                                        ? "no instances"
                                        : "instances "
                                                + String.join(
                                                        ", ",
                                                        now.instances().stream()
                                                                .map(InstanceState::name)
                                                                .toList()))
                                + ". Check the name after the last ':' of the import id."));
        TfObject imported = InstanceReadBack.describe(base, hostText, now, instance, OverlayAdjustments.of(now, name));
        if (imported.string(MEMORY).isEmpty()) {
            imported = imported.with(MEMORY, null);
        }
        if (KernelInterface.of(now) instanceof CurrentInterface
                && instance.status().hasImage()) {
            context.diagnostics()
                    .warning(
                            "Kernel path not readable",
                            "The kernel does not show which image, initrd and command line instance \"" + name
                                    + "\" was loaded with, so state has none. Leave kernel out (as a generated "
                                    + "configuration does) to keep the instance as it is; write kernel, initrd and "
                                    + "cmdline when a later change must load it again: the next plan records them in "
                                    + "state without restarting the instance.");
        }
        return imported;
    }
}
