package dev.multikernel.provider.resources.instance;

import static dev.multikernel.provider.resources.instance.InstanceSchema.*;

import dev.multikernel.host.devicetree.multikernel.InstanceResources;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayOps;
import dev.multikernel.host.devicetree.multikernel.OverlayTarget;
import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.devicetree.multikernel.PciItem;
import dev.multikernel.host.mkctl.HaltMode;
import dev.multikernel.host.mkctl.HaltTimeoutException;
import dev.multikernel.host.mkctl.MkctlError;
import dev.multikernel.host.mkctl.MkctlException;
import dev.multikernel.host.mkctl.MkctlOperation;
import dev.multikernel.host.mkctl.MkctlResult;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.provider.config.HostAddress;
import dev.multikernel.provider.hosts.Hosts;
import dev.multikernel.provider.kernel.CurrentInterface;
import dev.multikernel.provider.kernel.KernelInterface;
import dev.multikernel.provider.kernel.OverlayWrites;
import dev.multikernel.provider.kernel.RfcV2Interface;
import dev.multikernel.provider.plan.HostPlan;
import dev.multikernel.provider.plan.HostView;
import dev.multikernel.provider.plan.PlanProblem;
import dev.multikernel.provider.plan.PlannedInstance;
import dev.multikernel.provider.values.CpuList;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.spi.OperationContext;
import dev.tfjvm.spi.ResourceException;
import dev.tfjvm.spi.TfObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What creating, changing and removing an instance does on the host, per interface generation.
 * An instance is in state as soon as the kernel has it: every failure after that carries the
 * instance as partial state, so Terraform keeps (and taints) it instead of losing it.
 */
final class InstanceLifecycle {
    private final Hosts hosts;

    InstanceLifecycle(Hosts hosts) {
        this.hosts = hosts;
    }

    // ---------------------------------------------------------------- create

    TfObject create(
            HostAddress host, String hostText, InstanceConfig desired, TfObject planned, OperationContext context)
            throws ResourceException {
        PlannedInstance placed;
        HostState before;
        ReentrantLock lock = hosts.ledger().allocationLock(host);
        lock.lock();
        try {
            // On the current tree the snapshot is the one the last change on this host read back
            // (or a fresh read): the kernel refuses a CPU that is no longer free. RFC v2 checks
            // nothing, so its host is read again.
            HostState cached = hosts.state(host);
            before = KernelInterface.of(cached) instanceof CurrentInterface ? cached : hosts.refreshState(host);
            if (before.instance(desired.name()).isPresent()) {
                throw new ResourceException(
                        "Instance \"" + desired.name() + "\" already exists on host " + hostText,
                        hosts.ledger().manages(host, desired.name())
                                ? "The instance this one replaces is still on the host: with create_before_destroy the"
                                        + " replacement is created first, and two instances cannot share a name. Give"
                                        + " the new instance another name (such as one with a version suffix, as the"
                                        + " kernel-swap guide shows), or remove create_before_destroy."
                                : "The host has an instance of that name that no resource of this configuration holds"
                                        + " in its state. Import it with an import block: import { to = <this"
                                        + " resource's address>  id = \"" + hostText + ":" + desired.name()
                                        + "\" }, or give this instance another name.",
                        Optional.of(CtyPath.ROOT.attr(NAME)),
                        Optional.empty(),
                        null);
            }
            placed = place(host, hostText, before, desired);
            context.log()
                    .debug(
                            "instance placed",
                            "host",
                            hostText,
                            "instance",
                            desired.name(),
                            "cpus",
                            placed.cpus().format(),
                            "instance_id",
                            placed.id().isPresent() ? placed.id().getAsInt() : "none",
                            "requests_planned_together",
                            hosts.ledger().requestCount(host));
            context.checkStopped();
            if (KernelInterface.of(before) instanceof CurrentInterface
                    && desired.devices().isEmpty()
                    && placed.id().isPresent()) {
                return createAtOnce(host, hostText, desired, planned, placed, before, context);
            }
            try {
                if (KernelInterface.of(before) instanceof RfcV2Interface v2) {
                    createV2(v2, host, desired, placed);
                } else {
                    createCurrent(host, desired, placed);
                }
            } catch (ResourceException e) {
                // a dropped connection may have lost the answer, not the write: the kernel says which
                Optional<TfObject> there = readBackIfThere(host, hostText, planned, desired.name());
                if (there.isEmpty()) {
                    throw e;
                }
                if (!Hosts.answerLost(e)) {
                    throw e.withPartialState(there.get()); // kept in state (tainted), never orphaned
                }
                warnAnswerLost(context, hostText, "create instance \"" + desired.name() + "\"", "has it");
            }
        } finally {
            lock.unlock();
        }
        // The kernel has the instance from here on: every failure leaves it in state.
        Optional<TfObject> read = readBackIfThere(host, hostText, planned, desired.name());
        TfObject made = read.orElseGet(() -> assumed(planned, placed, before));
        boolean lendsDevices = !desired.devices().isEmpty()
                && KernelInterface.of(before).capabilities().devices();
        if (read.isPresent() && !lendsDevices && desired.desiredState() == DesiredState.READY) {
            return made; // nothing more happens to it: what was just read is the result
        }
        try {
            if (lendsDevices) {
                OverlayWrites.apply(
                        hosts,
                        host,
                        tag(desired.name()),
                        List.of(new OverlayOperation.DeviceAdd(
                                new OverlayTarget.Instance(desired.name()), pciItems(desired, desired.devices()))),
                        "lend devices to instance \"" + desired.name() + "\"");
            }
            int id = made.longValue(INSTANCE_ID).orElseThrow().intValue();
            bringUp(host, id, desired, InstanceStatus.READY, context);
            return readBack(host, hostText, planned, desired.name());
        } catch (ResourceException e) {
            throw e.withPartialState(readBackQuietly(host, hostText, made, desired.name()));
        }
    }

    /**
     * Creates, loads and starts the instance in one request under one host lock, which also reads
     * the host back: the state after it is the instance's read-back and the next create's snapshot
     * (current tree, no devices to lend).
     */
    private TfObject createAtOnce(
            HostAddress host,
            String hostText,
            InstanceConfig desired,
            TfObject planned,
            PlannedInstance placed,
            HostState before,
            OperationContext context)
            throws ResourceException {
        int id = placed.id().getAsInt();
        List<OverlayOperation> create =
                List.of(OverlayOps.instanceCreate(desired.name(), id, resources(desired, placed)));
        List<MkctlOperation> ops = new ArrayList<>();
        ops.add(new MkctlOperation.OverlayApply(CurrentInterface.overlayBlob(tag(desired.name()), create)));
        if (desired.desiredState().ordinal() >= DesiredState.LOADED.ordinal()) {
            ops.add(new MkctlOperation.Load(id, desired.kernel().orElseThrow(), desired.initrd(), desired.cmdline()));
        }
        if (desired.desiredState() == DesiredState.ACTIVE) {
            ops.add(new MkctlOperation.Exec(id));
        }
        ops.add(new MkctlOperation.State());
        String what = switch (desired.desiredState()) {
                    case READY -> "create";
                    case LOADED -> "create and load";
                    case ACTIVE -> "create, load and start";
                }
                + " instance \"" + desired.name() + "\"";
        List<MkctlResult> results;
        try {
            results = batch(host, ops, 0, create, before, what, desired);
        } catch (ResourceException e) {
            // the create took effect unless the kernel failed it; a lost answer may hide anything
            Optional<TfObject> there = readBackIfThere(host, hostText, planned, desired.name());
            if (there.isEmpty()) {
                throw e;
            }
            Optional<String> status = there.get().string(STATUS);
            if (Hosts.answerLost(e)
                    && status.map(desired.desiredState().word()::equals).orElse(false)) {
                warnAnswerLost(context, hostText, what, "shows it " + status.get());
                return there.get();
            }
            throw e.withPartialState(there.get()); // kept in state (tainted), never orphaned
        }
        HostState after = ((MkctlResult.StateRead) results.get(results.size() - 1)).state();
        hosts.remember(host, after);
        InstanceState made = after.instance(desired.name())
                .orElseThrow(() -> new ResourceException(
                        "Instance \"" + desired.name() + "\" disappeared from host " + hostText,
                        "The kernel no longer lists it right after it was created; check the host's kernel log."));
        return InstanceReadBack.describe(planned, hostText, after, made, OverlayAdjustments.of(after, desired.name()));
    }

    /** What an instance-create gives the instance: its memory, the placed CPUs, its memory's node. */
    private static InstanceResources resources(InstanceConfig desired, PlannedInstance placed) {
        List<Integer> nodes =
                desired.numaNode().isPresent() ? List.of(desired.numaNode().getAsInt()) : List.of();
        return new InstanceResources(desired.memory().map(m -> m.bytes()).orElse(0L), placed.physicalCpuIds(), nodes);
    }

    /** Plans the whole host again with what it holds now and returns this instance's place. */
    private PlannedInstance place(HostAddress host, String hostText, HostState state, InstanceConfig desired)
            throws ResourceException {
        HostPlan plan = InstanceResource.planTogether(
                hosts, host, hostText, state, InstanceResource.request(desired, Optional.empty()));
        for (PlanProblem p : plan.problems()) {
            Optional<CtyPath> own = InstanceResource.ownPath(p, desired.name());
            if (p.isError() && own.isPresent()) {
                throw new ResourceException(p.summary(), p.detail(), own, Optional.empty(), null);
            }
        }
        return plan.instance(desired.name())
                .orElseThrow(() -> new ResourceException(
                        "Cannot place instance \"" + desired.name() + "\" on host " + hostText,
                        plan.problems().stream()
                                .filter(PlanProblem::isError)
                                .map(p -> p.summary() + ": " + p.detail())
                                .findFirst()
                                .orElse("The planner gave no place for it.")));
    }

    private void createCurrent(HostAddress host, InstanceConfig desired, PlannedInstance placed)
            throws ResourceException {
        InstanceResources resources = resources(desired, placed);
        OverlayOperation create = placed.id().isPresent()
                ? OverlayOps.instanceCreate(desired.name(), placed.id().getAsInt(), resources)
                : OverlayOps.instanceCreate(desired.name(), resources);
        OverlayWrites.apply(
                hosts, host, tag(desired.name()), List.of(create), "create instance \"" + desired.name() + "\"");
    }

    private void createV2(RfcV2Interface v2, HostAddress host, InstanceConfig desired, PlannedInstance placed)
            throws ResourceException {
        int id = placed.id().orElseThrow();
        OptionalLong memory =
                desired.memory().map(m -> OptionalLong.of(m.bytes())).orElse(OptionalLong.empty());
        hosts.change(
                host,
                c -> v2.createInstance(c, desired.name(), id, placed.cpus().expand(), memory));
    }

    // ---------------------------------------------------------------- update

    TfObject update(
            HostAddress host,
            String hostText,
            TfObject prior,
            InstanceConfig desired,
            TfObject planned,
            OperationContext context)
            throws ResourceException {
        HostState now = hosts.refreshState(host);
        InstanceState instance = now.instance(desired.name())
                .orElseThrow(() -> new ResourceException(
                        "Instance \"" + desired.name() + "\" is gone from host " + hostText,
                        "It was removed while Terraform was applying. Run terraform apply again to create it."));
        int id = instance.id().orElse(prior.longValue(INSTANCE_ID).orElse(0L).intValue());
        try {
            if (KernelInterface.of(now).capabilities().liveResize()) {
                changeLive(host, now, prior, desired, planned);
            }
            boolean bootChanged = !prior.isNull(KERNEL)
                    && (!prior.string(KERNEL).equals(desired.kernel())
                            || !prior.string(INITRD).filter(s -> !s.isEmpty()).equals(desired.initrd())
                            || !prior.string(CMDLINE).orElse("").equals(desired.cmdline()));
            InstanceStatus status = instance.status();
            if (bootChanged && status.hasImage()) {
                status = bringDown(host, id, desired, status, DesiredState.READY, context);
            } else if (rank(status) > desired.desiredState().ordinal()) {
                status = bringDown(host, id, desired, status, desired.desiredState(), context);
            }
            bringUp(host, id, desired, status, context);
        } catch (ResourceException e) {
            throw e.withPartialState(readBackQuietly(host, hostText, prior, desired.name()));
        }
        return readBack(host, hostText, planned, desired.name());
    }

    /** CPUs, memory and devices through one overlay on the instance (current interface). */
    private void changeLive(HostAddress host, HostState now, TfObject prior, InstanceConfig desired, TfObject planned)
            throws ResourceException {
        HostView view = HostView.from(prior.requireString(HOST), now);
        CpuList before = InstanceReadBack.parseCpus(prior.string(CPUS));
        CpuList after = planned.isKnown(CPUS) && !planned.isNull(CPUS)
                ? InstanceReadBack.parseCpus(planned.string(CPUS))
                : grow(host, now, desired, before, prior);
        List<OverlayOperation> ops = new ArrayList<>();
        OverlayTarget target = new OverlayTarget.Instance(desired.name());
        CpuList removed = before.minus(after);
        CpuList added = after.minus(before);
        if (!removed.isEmpty()) {
            ops.add(OverlayOps.cpuRemove(target, physical(view, removed)));
        }
        if (!added.isEmpty()) {
            ops.add(OverlayOps.cpuAdd(target, physical(view, added)));
        }
        List<PciAddress> priorDevices = prior.objects(DEVICES).stream()
                .map(d -> PciAddress.parse(d.requireString(DEVICE_ADDRESS)))
                .toList();
        List<PciAddress> goneDevices = priorDevices.stream()
                .filter(d -> !desired.devices().contains(d))
                .toList();
        List<PciAddress> newDevices = desired.devices().stream()
                .filter(d -> !priorDevices.contains(d))
                .toList();
        if (!goneDevices.isEmpty()) {
            ops.add(new OverlayOperation.DeviceRemove(target, pciItems(desired, goneDevices)));
        }
        if (!newDevices.isEmpty()) {
            ops.add(new OverlayOperation.DeviceAdd(target, pciItems(desired, newDevices)));
        }
        long memoryBefore = InstanceReadBack.parseBytes(prior.string(MEMORY));
        long memoryAfter = desired.memory().map(m -> m.bytes()).orElse(0L);
        if (memoryBefore != memoryAfter
                || !prior.longValue(NUMA_NODE)
                        .equals(
                                desired.numaNode().isPresent()
                                        ? Optional.of((long) desired.numaNode().getAsInt())
                                        : Optional.<Long>empty())) {
            ops.addAll(InstanceMemory.change(view, desired.name(), memoryBefore, memoryAfter, desired.numaNode()));
        }
        if (!ops.isEmpty()) {
            OverlayWrites.apply(
                    hosts,
                    host,
                    tag(desired.name()),
                    ops,
                    "change the resources of instance \"" + desired.name() + "\"");
        }
    }

    /** More CPUs for a grown {@code cpu_count}: planned against the host as it is now. */
    private CpuList grow(HostAddress host, HostState now, InstanceConfig desired, CpuList held, TfObject prior)
            throws ResourceException {
        ReentrantLock lock = hosts.ledger().allocationLock(host);
        lock.lock();
        try {
            HostPlan plan = InstanceResource.planTogether(
                    hosts,
                    host,
                    prior.requireString(HOST),
                    now,
                    InstanceResource.request(desired, InstanceResource.spec(prior)));
            return plan.instance(desired.name()).map(PlannedInstance::cpus).orElse(held);
        } finally {
            lock.unlock();
        }
    }

    private static long[] physical(HostView view, CpuList cpus) throws ResourceException {
        long[] ids = new long[cpus.size()];
        int k = 0;
        for (int c : cpus) {
            OptionalLong p = view.topology().physicalOf(c);
            if (p.isEmpty()) {
                throw new ResourceException(
                        "The APIC id of CPU " + c + " is not known",
                        "Host " + view.hostName() + " does not report the physical id of CPU " + c
                                + ", so it cannot be named to the kernel.",
                        Optional.of(CtyPath.ROOT.attr(CPUS)),
                        Optional.empty(),
                        null);
            }
            ids[k++] = p.getAsLong();
        }
        return ids;
    }

    // ---------------------------------------------------------------- delete

    void delete(HostAddress host, TfObject state, OperationContext context) throws ResourceException {
        String name = state.requireString(NAME);
        HostState cached = hosts.state(host);
        // the current tree refuses to remove what is not there; RFC v2 is read again (see create)
        HostState now = KernelInterface.of(cached) instanceof CurrentInterface ? cached : hosts.refreshState(host);
        Optional<String> bootId = state.string(BOOT_ID);
        Optional<InstanceState> instance = now.instance(name);
        if (instance.isEmpty() || (bootId.isPresent() && !bootId.get().equals(now.bootId()))) {
            return; // already gone: nothing to remove
        }
        Optional<InstanceConfig> settings = InstanceConfig.read(
                state.with(CPUS, null).with(CPU_COUNT, 1L).with(DESIRED_STATE, "ready"),
                new dev.tfjvm.diag.Diagnostics());
        InstanceConfig c = settings.orElseThrow(() -> new ResourceException(
                "Cannot read the settings in state",
                "The state of instance \"" + name + "\" is malformed; remove it with terraform state rm."));
        int id = instance.get()
                .id()
                .orElse(state.longValue(INSTANCE_ID).orElse(0L).intValue());
        KernelInterface kernel = KernelInterface.of(now);
        if (kernel.state().usable()
                && !kernel.capabilities().halt()
                && instance.get().status() == InstanceStatus.ACTIVE) {
            throw new ResourceException(
                    "Instance \"" + name + "\" is running on an RFC v2 host",
                    "The RFC v2 interface cannot stop a running instance, so it cannot be removed. Reboot host "
                            + host.describe() + " to free it, then run terraform apply again.");
        }
        if (kernel instanceof CurrentInterface) {
            deleteAtOnce(host, now, id, c, instance.get().status(), context);
            return;
        }
        bringDown(host, id, c, instance.get().status(), DesiredState.READY, context);
        if (kernel instanceof RfcV2Interface v2) {
            hosts.change(host, client -> v2.removeInstance(client, name));
        } else {
            OverlayWrites.apply(
                    hosts,
                    host,
                    tag(name),
                    List.of(OverlayOps.instanceRemove(name)),
                    "remove instance \"" + name + "\"");
        }
    }

    // ---------------------------------------------------------------- lifecycle steps

    private static int rank(InstanceStatus status) {
        return switch (status) {
            case ACTIVE -> 2;
            case LOADED, LOADING -> 1;
            default -> 0;
        };
    }

    /**
     * Halts, unloads and removes the instance in one request under one host lock, which also reads
     * the host back for the next change (current tree).
     */
    private void deleteAtOnce(
            HostAddress host,
            HostState before,
            int id,
            InstanceConfig settings,
            InstanceStatus status,
            OperationContext context)
            throws ResourceException {
        String name = settings.name();
        List<MkctlOperation> ops = new ArrayList<>();
        if (status == InstanceStatus.ACTIVE) {
            ops.add(new MkctlOperation.Halt(
                    id,
                    settings.forceHalt() ? HaltMode.GRACEFUL_THEN_FORCE : HaltMode.GRACEFUL,
                    settings.haltTimeout()));
        }
        if (status.hasImage()) {
            ops.add(new MkctlOperation.Unload(id));
        }
        List<OverlayOperation> remove = List.of(OverlayOps.instanceRemove(name));
        int removeAt = ops.size();
        ops.add(new MkctlOperation.OverlayApply(CurrentInterface.overlayBlob(tag(name), remove)));
        ops.add(new MkctlOperation.State());
        String what = (status == InstanceStatus.ACTIVE ? "halt and remove" : "remove") + " instance \"" + name + "\"";
        List<MkctlResult> results;
        try {
            results = batch(host, ops, removeAt, remove, before, what, settings);
        } catch (ResourceException e) {
            confirmLost(e, host, name, Optional::isEmpty);
            warnAnswerLost(context, host.describe(), what, "no longer has it");
            return;
        }
        hosts.remember(host, ((MkctlResult.StateRead) results.get(results.size() - 1)).state());
    }

    /**
     * Runs {@code ops} as one request. When the kernel fails the overlay transaction at {@code
     * overlayAt} ({@code written}), nothing after it ran, and the failed transaction is cleaned up
     * as every overlay write is; a halt that times out names halt_timeout.
     */
    private List<MkctlResult> batch(
            HostAddress host,
            List<MkctlOperation> ops,
            int overlayAt,
            List<OverlayOperation> written,
            HostState before,
            String what,
            InstanceConfig settings)
            throws ResourceException {
        return hosts.change(host, client -> {
            try {
                return client.batch(ops);
            } catch (HaltTimeoutException e) {
                throw haltTimedOut(settings, e);
            } catch (MkctlException e) {
                if (e.error()
                        .map(MkctlError::batchIndex)
                        .orElse(OptionalInt.empty())
                        .equals(OptionalInt.of(overlayAt))) {
                    throw OverlayWrites.error(
                            host,
                            written,
                            OverlayWrites.cleanUp(client, e, written, before),
                            OverlayWrites.Wording.of(what));
                }
                throw e;
            }
        });
    }

    private static ResourceException haltTimedOut(InstanceConfig desired, HaltTimeoutException e) {
        return new ResourceException(
                "Instance \"" + desired.name() + "\" did not halt within "
                        + desired.haltTimeout().toSeconds() + "s",
                "It is still running. Raise halt_timeout, or set force_halt = true to force it after the timeout.",
                Optional.of(CtyPath.ROOT.attr(HALT_TIMEOUT)),
                Optional.empty(),
                e);
    }

    /** Loads and starts as far as {@code desired} asks, from {@code status}. */
    private void bringUp(
            HostAddress host, int id, InstanceConfig desired, InstanceStatus status, OperationContext context)
            throws ResourceException {
        context.checkStopped();
        if (desired.desiredState().ordinal() >= DesiredState.LOADED.ordinal() && rank(status) == 0) {
            String kernel = desired.kernel().orElseThrow();
            confirmed(
                    host,
                    desired.name(),
                    s -> rank(s) >= 1,
                    "load instance \"" + desired.name() + "\"",
                    c -> c.load(id, kernel, desired.initrd(), desired.cmdline()),
                    context);
            status = InstanceStatus.LOADED;
        }
        context.checkStopped();
        if (desired.desiredState() == DesiredState.ACTIVE && rank(status) == 1) {
            confirmed(
                    host,
                    desired.name(),
                    s -> s == InstanceStatus.ACTIVE,
                    "start instance \"" + desired.name() + "\"",
                    c -> c.exec(id),
                    context);
        }
    }

    /**
     * Runs {@code change}; when its answer is lost (the connection dropped or timed out after the
     * request went out), reads the kernel instead of guessing: if the instance is where the change
     * would have put it, the change happened and the apply goes on (with a warning); otherwise the
     * error stands. Never sent again blindly: a second load or start is not harmless.
     */
    private void confirmed(
            HostAddress host,
            String name,
            java.util.function.Predicate<InstanceStatus> done,
            String what,
            Hosts.HostCall<?> change,
            OperationContext context)
            throws ResourceException {
        try {
            hosts.change(host, change);
        } catch (ResourceException e) {
            InstanceState now = confirmLost(
                            e,
                            host,
                            name,
                            i -> i.map(InstanceState::status).filter(done).isPresent())
                    .orElseThrow();
            warnAnswerLost(
                    context,
                    host.describe(),
                    what,
                    "shows it " + now.status().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * After a change failed with {@code e}: when its answer was lost, reads the kernel and returns
     * what it shows of instance {@code name} if that is where the change would have put it
     * ({@code done}). Otherwise, and when the host cannot be read, {@code e} stands.
     */
    private Optional<InstanceState> confirmLost(
            ResourceException e,
            HostAddress host,
            String name,
            java.util.function.Predicate<Optional<InstanceState>> done)
            throws ResourceException {
        if (!Hosts.answerLost(e)) {
            throw e;
        }
        Optional<InstanceState> now;
        try {
            now = hosts.refreshState(host).instance(name);
        } catch (ResourceException unreadable) {
            throw e;
        }
        if (!done.test(now)) {
            throw e;
        }
        return now;
    }

    private static void warnAnswerLost(OperationContext context, String hostText, String what, String kernelSays) {
        context.diagnostics()
                .warning(
                        "The answer from host " + hostText + " was lost",
                        "The connection dropped before the host answered the request to " + what + "; the kernel "
                                + kernelSays + ", so it happened, and the state records it as it is.");
        context.log().warn("answer lost; kernel confirms the change", "host", hostText, "change", what);
    }

    /** Halts (graceful, then forced if allowed) and unloads down to {@code target}. */
    private InstanceStatus bringDown(
            HostAddress host,
            int id,
            InstanceConfig desired,
            InstanceStatus status,
            DesiredState target,
            OperationContext context)
            throws ResourceException {
        if (status == InstanceStatus.ACTIVE && target.ordinal() < DesiredState.ACTIVE.ordinal()) {
            HaltMode mode = desired.forceHalt() ? HaltMode.GRACEFUL_THEN_FORCE : HaltMode.GRACEFUL;
            hosts.change(host, c -> {
                try {
                    return c.halt(id, mode, desired.haltTimeout());
                } catch (HaltTimeoutException e) {
                    throw haltTimedOut(desired, e);
                }
            });
            status = InstanceStatus.LOADED;
        }
        context.checkStopped();
        if (status.hasImage() && target == DesiredState.READY) {
            hosts.change(host, c -> c.unload(id));
            status = InstanceStatus.READY;
        }
        return status;
    }

    // ---------------------------------------------------------------- read back

    private TfObject readBack(HostAddress host, String hostText, TfObject base, String name) throws ResourceException {
        HostState now = hosts.refreshState(host);
        InstanceState instance = now.instance(name)
                .orElseThrow(() -> new ResourceException(
                        "Instance \"" + name + "\" disappeared from host " + hostText,
                        "The kernel no longer lists it right after it was changed; check the host's kernel log."));
        return InstanceReadBack.describe(base, hostText, now, instance, OverlayAdjustments.of(now, name));
    }

    /** The instance as the host shows it; empty when the host does not have it or cannot be read. */
    private Optional<TfObject> readBackIfThere(HostAddress host, String hostText, TfObject base, String name) {
        try {
            return Optional.of(readBack(host, hostText, base, name));
        } catch (ResourceException e) {
            return Optional.empty();
        }
    }

    /**
     * What state records for an instance the kernel took when the host cannot be read back: the
     * plan's values with what the provider chose for it. The next refresh corrects the rest.
     */
    private static TfObject assumed(TfObject planned, PlannedInstance placed, HostState before) {
        TfObject o = planned.with(
                        CPUS, InstanceReadBack.sameCpus(InstanceReadBack.knownString(planned, CPUS), placed.cpus()))
                .with(
                        CPU_COUNT,
                        InstanceReadBack.recordsCount(planned)
                                ? (Object) (long) placed.cpus().size()
                                : null)
                .with(PHYSICAL_CPU_IDS, placed.physicalCpuIds())
                .with(STATUS, "unknown")
                .with(BOOT_ID, before.bootId());
        o = placed.id().isPresent() ? o.with(INSTANCE_ID, (long) placed.id().getAsInt()) : o.with(INSTANCE_ID, null);
        return o.isKnown(GENERATION)
                ? o
                : o.with(
                        GENERATION,
                        before.usable() ? KernelInterface.of(before).wireName() : CurrentInterface.WIRE_NAME);
    }

    /** The instance as the host shows it, or {@code fallback} when the host cannot be read now. */
    private TfObject readBackQuietly(HostAddress host, String hostText, TfObject fallback, String name) {
        try {
            return readBack(host, hostText, fallback, name);
        } catch (ResourceException e) {
            return fallback;
        }
    }

    static String tag(String name) {
        return OverlayWrites.tag("instance:" + name);
    }

    private static List<PciItem> pciItems(InstanceConfig desired, List<PciAddress> devices) {
        return devices.stream()
                .map(d -> new PciItem(
                        d,
                        Optional.empty(),
                        Optional.ofNullable(desired.drivers().get(d)),
                        OptionalInt.empty()))
                .toList();
    }
}
