package dev.multikernel.provider.resources.instance;

import dev.multikernel.host.state.InstanceState;
import dev.multikernel.provider.hosts.HostReads;
import dev.multikernel.provider.plan.CpuAllocationStrategy;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Nesting;
import dev.tfjvm.schema.PlanModifiers;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.schema.Validators;

/** The attributes of {@code multikernel_instance}. */
final class InstanceSchema {
    static final String HOST = HostReads.HOST;
    static final String ID = "id";
    static final String NAME = "name";
    static final String INSTANCE_ID = "instance_id";
    static final String CPUS = "cpus";
    static final String CPU_COUNT = "cpu_count";
    static final String CPU_POLICY = "cpu_policy";
    static final String MEMORY = "memory";
    static final String NUMA_NODE = "numa_node";
    static final String DEVICES = "devices";
    static final String DEVICE_ADDRESS = "address";
    static final String DEVICE_DRIVER = "driver";
    static final String KERNEL = "kernel";
    static final String INITRD = "initrd";
    static final String CMDLINE = "cmdline";
    static final String DESIRED_STATE = "desired_state";
    static final String HALT_TIMEOUT = "halt_timeout";
    static final String FORCE_HALT = "force_halt";
    static final String ALLOW_RESTART = "allow_restart";
    static final String STATUS = "status";
    static final String PHYSICAL_CPU_IDS = "physical_cpu_ids";
    static final String BOOT_ID = "boot_id";
    static final String GENERATION = "interface_generation";

    static final String DEFAULT_HALT_TIMEOUT = "30s";

    private InstanceSchema() {}

    static Schema schema() {
        return Schema.of(Block.builder()
                .markdownDescription("""
                        A kernel instance on a multikernel host: its CPUs, memory and PCI devices, the kernel it \
                        boots and whether it runs. The plan checks every instance aimed at one host together \
                        (CPUs exist, are in the pool and free, are not promised twice; memory fits; devices are \
                        exclusive; ids and names are unique) and says for every update whether it is applied live, \
                        restarts the instance or replaces it. A change that stops a running instance needs \
                        `allow_restart = true`.""")
                .attribute(HostReads.hostAttribute()
                        .planModifiers(PlanModifiers.requiresReplace())
                        .markdownDescription("The host the instance runs on: `address`, `user@address`, "
                                + "`address:port` or `user@address:port`; what it leaves out comes from the provider "
                                + "configuration. Changing it replaces the instance."))
                .attribute(Attribute.string(ID)
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown())
                        .markdownDescription("`host:name`, the import id."))
                .attribute(Attribute.string(NAME)
                        .required()
                        .planModifiers(PlanModifiers.requiresReplace())
                        .markdownDescription("The instance name: its directory under "
                                + "`/sys/fs/multikernel/instances`. Printable ASCII without `/`, at most 255 "
                                + "characters. Changing it replaces the instance."))
                .attribute(Attribute.number(INSTANCE_ID)
                        .optional()
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown(), PlanModifiers.requiresReplace())
                        .validators(Validators.wholeNumberBetween(1, InstanceState.MAX_ID))
                        .markdownDescription("The multikernel id (1–" + InstanceState.MAX_ID
                                + ") the kernel image is loaded under. Left "
                                + "out, the lowest free id is assigned when the instance is created and kept."))
                .attribute(Attribute.string(CPUS)
                        .optional()
                        .computed()
                        .markdownDescription("The instance's CPUs as a list of logical numbers (as `lscpu` shows "
                                + "them), e.g. `\"4-7,10\"`. Set exactly one of `cpus` and `cpu_count`. With "
                                + "`cpu_count`, this shows the CPUs chosen when the instance was created (an import "
                                + "records `cpus`)."))
                .attribute(Attribute.number(CPU_COUNT)
                        .optional()
                        .computed()
                        .validators(Validators.wholeNumberBetween(1, 8192))
                        .markdownDescription("How many CPUs to give the instance, chosen from the pool's free CPUs "
                                + "with `cpu_policy` when the instance is created, then kept: growing adds CPUs, "
                                + "shrinking gives back the highest. Set exactly one of `cpus` and `cpu_count`. With "
                                + "`cpus`, this stays null: no count is derived from the list."))
                .attribute(Attribute.string(CPU_POLICY)
                        .optional()
                        .computed()
                        .defaultValue(CtyValue.string("compact"))
                        .validators(Validators.oneOf(CpuAllocationStrategy.all().stream()
                                .map(CpuAllocationStrategy::name)
                                .toArray(String[]::new)))
                        .markdownDescription("How `cpu_count` CPUs are chosen: `compact` takes the highest free "
                                + "CPUs of the pool, `same_numa_node` the highest free CPUs of one NUMA node (the "
                                + "node of `numa_node` when it is set, else the node with most free CPUs), "
                                + "`spread_numa` the highest free CPU of each node in turn. The CPUs are picked when "
                                + "the instance is created, so they can never be ones that another instance of the "
                                + "configuration on the same host lists in `cpus`: when they could be, the plan "
                                + "fails and says which CPUs to avoid."))
                .attribute(Attribute.string(MEMORY)
                        .optional()
                        .markdownDescription("The instance's memory, one contiguous range from the pool, e.g. "
                                + "`\"1GiB\"` (units B, KiB, MiB, GiB, TiB; K/M/G/T mean the same). Whole 4 KiB "
                                + "pages. Left out: no memory."))
                .attribute(Attribute.number(NUMA_NODE)
                        .optional()
                        .validators(Validators.wholeNumberBetween(0, 1023))
                        .markdownDescription("The NUMA node the memory must come from (current interface only)."))
                .attribute(Attribute.nested(
                                DEVICES,
                                Nesting.LIST,
                                Attribute.string(DEVICE_ADDRESS)
                                        .required()
                                        .markdownDescription("PCI address `DDDD:BB:DD.F` of a device in the pool."),
                                Attribute.string(DEVICE_DRIVER)
                                        .optional()
                                        .markdownDescription("The driver the instance binds it to."))
                        .optional()
                        .markdownDescription("PCI devices lent to the instance (current interface only)."))
                .attribute(Attribute.string(KERNEL)
                        .optional()
                        .markdownDescription("Path of the kernel image (bzImage) on the host. Needed for "
                                + "`desired_state` `loaded` and `active`, except on an imported instance that already "
                                + "holds its kernel while nothing loads it again (see Import). Changing it restarts "
                                + "the instance."))
                .attribute(Attribute.string(INITRD)
                        .optional()
                        .markdownDescription("Path of the initrd on the host. Changing it restarts the instance."))
                .attribute(Attribute.string(CMDLINE)
                        .optional()
                        .computed()
                        .defaultValue(CtyValue.string(""))
                        .markdownDescription("The kernel command line. Changing it restarts the instance."))
                .attribute(Attribute.string(DESIRED_STATE)
                        .optional()
                        .computed()
                        .defaultValue(CtyValue.string("active"))
                        .validators(Validators.oneOf(DesiredState.NAMES))
                        .markdownDescription("`ready` (created, no kernel), `loaded` (kernel loaded, not "
                                + "started) or `active` (running). Defaults to `active`. Read back from the kernel, "
                                + "so an instance stopped behind Terraform's back shows as a change."))
                .attribute(Attribute.string(HALT_TIMEOUT)
                        .optional()
                        .computed()
                        .defaultValue(CtyValue.string(DEFAULT_HALT_TIMEOUT))
                        .markdownDescription("How long a graceful halt may take (`\"30s\"`, `\"2m\"`)."))
                .attribute(Attribute.bool(FORCE_HALT)
                        .optional()
                        .computed()
                        .defaultValue(CtyValue.bool(false))
                        .markdownDescription("Force the halt when the graceful one times out. Without it, a halt "
                                + "that times out fails and the instance is left running."))
                .attribute(Attribute.bool(ALLOW_RESTART)
                        .optional()
                        .computed()
                        .defaultValue(CtyValue.bool(false))
                        .markdownDescription("Allow changes that stop the running instance (a new kernel, initrd "
                                + "or command line; a replacement). Without it such a plan fails and says why."))
                .attribute(Attribute.string(STATUS)
                        .computed()
                        .markdownDescription(
                                "The status the kernel reports (`ready`, `loaded`, `active`, " + "`failed`, ...)."))
                .attribute(Attribute.of(PHYSICAL_CPU_IDS, CtyType.list(CtyType.NUMBER))
                        .computed()
                        .markdownDescription("The CPUs as the kernel names them: APIC ids on the current "
                                + "interface, logical numbers on RFC v2."))
                .attribute(Attribute.string(GENERATION)
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown())
                        .markdownDescription("The host's interface generation: `current` or `rfc-v2`."))
                .attribute(Attribute.string(BOOT_ID)
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown())
                        .markdownDescription("The host's boot id when the instance was created. A reboot removes "
                                + "every instance; the next plan creates it again and says the host rebooted."))
                .build());
    }
}
