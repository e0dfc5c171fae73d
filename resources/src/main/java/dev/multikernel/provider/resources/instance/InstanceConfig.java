package dev.multikernel.provider.resources.instance;

import static dev.multikernel.provider.resources.instance.InstanceSchema.*;

import dev.multikernel.host.devicetree.multikernel.PciAddress;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.provider.config.Durations;
import dev.multikernel.provider.plan.BootSpec;
import dev.multikernel.provider.plan.CpuAllocationStrategy;
import dev.multikernel.provider.plan.CpuRequest;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import dev.multikernel.provider.values.InvalidValueException;
import dev.tfjvm.cty.CtyNumber;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.spi.TfObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The settings of one instance as configured (or planned), checked and typed. Reading reports
 * every malformed value against its attribute and returns empty when any is malformed or not
 * known yet.
 */
record InstanceConfig(
        String name,
        OptionalInt id,
        CpuRequest cpus,
        Optional<ByteSize> memory,
        OptionalInt numaNode,
        List<PciAddress> devices,
        java.util.Map<PciAddress, String> drivers,
        Optional<String> kernel,
        Optional<String> initrd,
        String cmdline,
        DesiredState desiredState,
        Duration haltTimeout,
        boolean forceHalt,
        boolean allowRestart) {

    /**
     * A whole-number attribute's value in {@code min..max}, or null when it is a fraction, infinite
     * or out of range: the schema's validator reports that on the attribute, so reading only fails.
     */
    private static Long whole(TfObject object, String name, long min, long max) {
        CtyNumber n = ((CtyValue.Num) object.get(name)).value();
        if (!n.fitsLong() || n.longValueExact() < min || n.longValueExact() > max) {
            return null;
        }
        return n.longValueExact();
    }

    BootSpec boot() {
        return new BootSpec(kernel.orElse(""), initrd, cmdline);
    }

    /**
     * The error for a configuration without {@code kernel} whose desired state needs one, when a
     * kernel must be loaded: always, unless {@code keepsItsKernel} (the instance already holds a
     * kernel image the provider did not load, and nothing in the plan loads it again).
     */
    Optional<dev.tfjvm.diag.Diagnostic> missingKernel(boolean keepsItsKernel) {
        if (!desiredState.needsKernel() || kernel.isPresent() || keepsItsKernel) {
            return Optional.empty();
        }
        return Optional.of(dev.tfjvm.diag.Diagnostic.error(
                CtyPath.ROOT.attr(KERNEL),
                "No kernel to " + (desiredState == DesiredState.ACTIVE ? "start" : "load"),
                "desired_state = \"" + desiredState.word() + "\" needs a kernel image: set kernel "
                        + "to the path of a bzImage on the host, or set desired_state = \"ready\". (kernel "
                        + "may be left out only for an imported instance that already runs or holds its kernel, "
                        + "while nothing loads it again.)"));
    }

    /**
     * Checks {@code object}'s values (as written in the configuration: {@code cpus} and
     * {@code cpu_count} are the user's, not computed ones).
     *
     * @return empty when a value is malformed (reported) or unknown
     */
    static Optional<InstanceConfig> read(TfObject object, Diagnostics diagnostics) {
        boolean ok = true;
        for (String a : List.of(
                NAME,
                INSTANCE_ID,
                CPUS,
                CPU_COUNT,
                CPU_POLICY,
                MEMORY,
                NUMA_NODE,
                DEVICES,
                KERNEL,
                INITRD,
                CMDLINE,
                DESIRED_STATE,
                HALT_TIMEOUT,
                FORCE_HALT,
                ALLOW_RESTART)) {
            if (!object.elementsKnown(a)) {
                ok = false;
            }
        }
        if (!ok) {
            return Optional.empty();
        }
        String name = object.requireString(NAME);
        OptionalInt id = OptionalInt.empty();
        if (!object.isNull(INSTANCE_ID)) {
            Long v = whole(object, INSTANCE_ID, 1, InstanceState.MAX_ID);
            if (v == null) {
                ok = false;
            } else {
                id = OptionalInt.of(v.intValue());
            }
        }

        CpuRequest cpus = null;
        Optional<String> cpuText = object.string(CPUS);
        Optional<Long> count = Optional.empty();
        if (!object.isNull(CPU_COUNT)) {
            count = Optional.ofNullable(whole(object, CPU_COUNT, 1, 8192));
            if (count.isEmpty()) {
                ok = false;
            }
        }
        if (object.isNull(CPU_COUNT) == cpuText.isEmpty()) {
            // both or neither: the resource's exactlyOneOf validator reports it, on the attribute
            ok = false;
        } else if (cpuText.isPresent()) {
            try {
                CpuList list = CpuList.parse(cpuText.get());
                if (list.isEmpty()) {
                    diagnostics.error(
                            CtyPath.ROOT.attr(CPUS),
                            "No CPUs",
                            "cpus is empty; an instance needs at least one CPU, e.g. cpus = \"4-7\".");
                    ok = false;
                } else {
                    cpus = new CpuRequest.Explicit(list);
                }
            } catch (InvalidValueException e) {
                diagnostics.error(
                        CtyPath.ROOT.attr(CPUS),
                        "Invalid CPU list",
                        e.getMessage() + " Write logical CPU numbers and ranges, e.g. \"4-7,10\".");
                ok = false;
            }
        } else if (count.isPresent()) {
            String policy = object.string(CPU_POLICY).orElse("compact");
            Optional<CpuAllocationStrategy> strategy = CpuAllocationStrategy.byName(policy);
            if (strategy.isEmpty()) {
                ok = false; // the schema's oneOf on cpu_policy reports it
            } else {
                cpus = new CpuRequest.Count(count.get().intValue(), strategy.get());
            }
        }

        Optional<ByteSize> memory = Optional.empty();
        if (object.string(MEMORY).isPresent()) {
            try {
                memory = Optional.of(ByteSize.parse(object.requireString(MEMORY)));
            } catch (InvalidValueException e) {
                diagnostics.error(CtyPath.ROOT.attr(MEMORY), "Invalid memory size", e.getMessage());
                ok = false;
            }
        }
        OptionalInt node = OptionalInt.empty();
        if (!object.isNull(NUMA_NODE)) {
            Long v = whole(object, NUMA_NODE, 0, 1023);
            if (v == null) {
                ok = false;
            } else {
                node = OptionalInt.of(v.intValue());
            }
        }

        List<PciAddress> devices = new ArrayList<>();
        java.util.Map<PciAddress, String> drivers = new java.util.HashMap<>();
        List<TfObject> deviceObjects = object.objects(DEVICES);
        for (int i = 0; i < deviceObjects.size(); i++) {
            TfObject d = deviceObjects.get(i);
            if (!d.isKnown(DEVICE_ADDRESS) || !d.isKnown(DEVICE_DRIVER)) {
                return Optional.empty();
            }
            try {
                PciAddress address = PciAddress.parse(d.requireString(DEVICE_ADDRESS));
                devices.add(address);
                d.string(DEVICE_DRIVER).ifPresent(v -> drivers.put(address, v));
            } catch (IllegalArgumentException e) {
                diagnostics.error(
                        CtyPath.ROOT.attr(DEVICES).index(i).attr(DEVICE_ADDRESS),
                        "Invalid PCI address",
                        e.getMessage() + " Write it as lspci -D shows it, e.g. \"0000:03:00.0\".");
                ok = false;
            }
        }

        DesiredState desired = DesiredState.parse(object.string(DESIRED_STATE).orElse("active"))
                .orElse(null);
        if (desired == null) {
            ok = false; // the schema's oneOf on desired_state reports it
        }
        // A configuration without kernel is valid for an instance that already runs a kernel the
        // provider did not load (an import): whether a kernel must be loaded is known only at plan
        // time, so missingKernel reports it then.
        Optional<String> kernel = object.string(KERNEL).filter(k -> !k.isEmpty());
        if (ok && desired != null && desired.needsKernel() && kernel.isPresent() && memory.isEmpty()) {
            diagnostics.error(
                    CtyPath.ROOT.attr(MEMORY),
                    "No memory to load a kernel into",
                    "desired_state = \"" + desired.word() + "\" loads a kernel image into the instance's own memory; "
                            + "set memory (e.g. memory = \"256MiB\"), or set desired_state = \"ready\".");
            ok = false;
        }
        Duration halt = Duration.ofSeconds(30);
        try {
            halt = Durations.parse(object.string(HALT_TIMEOUT).orElse(DEFAULT_HALT_TIMEOUT));
        } catch (IllegalArgumentException e) {
            diagnostics.error(CtyPath.ROOT.attr(HALT_TIMEOUT), "Invalid halt_timeout", e.getMessage());
            ok = false;
        }
        if (!ok) {
            return Optional.empty();
        }
        return Optional.of(new InstanceConfig(
                name,
                id,
                cpus,
                memory,
                node,
                devices,
                java.util.Map.copyOf(drivers),
                kernel,
                object.string(INITRD).filter(s -> !s.isEmpty()),
                object.string(CMDLINE).orElse(""),
                desired,
                halt,
                object.bool(FORCE_HALT).orElse(false),
                object.bool(ALLOW_RESTART).orElse(false)));
    }
}
