package dev.multikernel.provider.plan;

import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.host.state.InterfaceGeneration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Classifies the update of one instance from what state holds ({@code prior}) to what the plan
 * wants ({@code desired}), per interface generation:
 *
 * <ul>
 *   <li>name or id: REPLACE on both (fixed at creation; the kernel has no rename);</li>
 *   <li>CPUs, memory, NUMA node, devices: LIVE on the current tree (an overlay on the instance);
 *       REPLACE on RFC v2, which has no overlays;</li>
 *   <li>kernel, initrd, command line: RESTART (halt, unload, load, exec).</li>
 * </ul>
 *
 * RFC v2 has no way to stop a booted instance, so a RESTART or REPLACE of an active v2 instance
 * is not possible at all ({@link ChangeDecision#possible()} is false) and the reason says what to do.
 */
public final class ChangeClassifier {
    private ChangeClassifier() {}

    /**
     * @param status the instance's state on the host now; empty when the host does not have it
     */
    public static ChangeDecision classify(
            InterfaceGeneration generation, Optional<InstanceStatus> status, InstanceSpec prior, InstanceSpec desired) {
        boolean v2 = generation == InterfaceGeneration.RFC_V2;
        ChangeClass change = ChangeClass.NONE;
        List<String> reasons = new ArrayList<>();
        if (!prior.name().equals(desired.name())) {
            change = ChangeClass.REPLACE;
            reasons.add("name \"" + prior.name() + "\" → \"" + desired.name()
                    + "\": the name identifies the instance in /sys/fs/multikernel/instances and cannot be changed,"
                    + " so the instance is removed and created again.");
        }
        if (prior.id().isPresent()
                && desired.id().isPresent()
                && prior.id().getAsInt() != desired.id().getAsInt()) {
            change = ChangeClass.REPLACE;
            reasons.add("id " + prior.id().getAsInt() + " → " + desired.id().getAsInt()
                    + ": the id is fixed when the instance is created, so it is removed and created again.");
        }
        ChangeClass resourceClass = v2 ? ChangeClass.REPLACE : ChangeClass.LIVE;
        String how = v2
                ? "the RFC v2 interface has no overlays, so the instance is removed and created again"
                : "applied live with an overlay on the instance";
        if (!prior.cpus().equals(desired.cpus())) {
            change = max(change, resourceClass);
            reasons.add("cpus \"" + prior.cpus().format() + "\" → \""
                    + desired.cpus().format() + "\": " + how + ".");
        }
        if (!prior.memory().equals(desired.memory())) {
            change = max(change, resourceClass);
            reasons.add("memory " + prior.memory().map(m -> m.format()).orElse("none") + " → "
                    + desired.memory().map(m -> m.format()).orElse("none") + ": " + how + ".");
        }
        if (!prior.numaNode().equals(desired.numaNode())) {
            change = max(change, resourceClass);
            reasons.add("numa_node " + node(prior) + " → " + node(desired) + ": " + how
                    + (v2 ? "." : " (its memory moves to the new node)."));
        }
        if (!prior.devices().equals(desired.devices())) {
            change = max(change, resourceClass);
            reasons.add("devices " + prior.devices() + " → " + desired.devices() + ": " + how + ".");
        }
        if (!prior.boot().equals(desired.boot())) {
            change = max(change, ChangeClass.RESTART);
            List<String> what = new ArrayList<>();
            if (!prior.boot().kernel().equals(desired.boot().kernel())) {
                what.add("kernel");
            }
            if (!prior.boot().initrd().equals(desired.boot().initrd())) {
                what.add("initrd");
            }
            if (!prior.boot().cmdline().equals(desired.boot().cmdline())) {
                what.add("cmdline");
            }
            reasons.add(String.join(", ", what) + " changed: a new kernel image must be loaded, so the instance is "
                    + (v2 ? "unloaded and loaded again" : "halted, unloaded, loaded again and started") + ".");
        }
        if (change == ChangeClass.NONE) {
            return ChangeDecision.none();
        }
        InstanceStatus now = status.orElse(InstanceStatus.EMPTY);
        boolean running = now == InstanceStatus.ACTIVE;
        boolean disruptive = change == ChangeClass.RESTART || change == ChangeClass.REPLACE;
        boolean possible = true;
        if (v2 && disruptive && running) {
            possible = false;
            reasons.add("Instance \"" + prior.name() + "\" is active and the RFC v2 interface has no way to stop"
                    + " a running instance: reboot the host to free it, or keep the current values.");
        } else if (disruptive && running) {
            // the fix (allow_restart) is the caller's to name: it is wrong advice when already set
            reasons.add("Instance \"" + prior.name() + "\" is active: this stops it.");
        }
        return new ChangeDecision(change, reasons, disruptive && running, possible);
    }

    private static String node(InstanceSpec s) {
        return s.numaNode().isPresent() ? Integer.toString(s.numaNode().getAsInt()) : "any";
    }

    private static ChangeClass max(ChangeClass a, ChangeClass b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
