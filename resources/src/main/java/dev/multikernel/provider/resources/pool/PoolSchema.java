package dev.multikernel.provider.resources.pool;

import dev.multikernel.provider.hosts.HostReads;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Nesting;
import dev.tfjvm.schema.PlanModifiers;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.schema.Validators;

/** The schema of {@code multikernel_pool} (docs/design/resources.md) and its attribute names. */
final class PoolSchema {
    static final String HOST = HostReads.HOST;
    static final String CPUS = "cpus";
    static final String MEMORY = "memory";
    static final String SIZE = "size";
    static final String NUMA_NODE = "numa_node";
    static final String DEVICES = "devices";
    static final String ADDRESS = "address";
    static final String ID = "id";
    static final String GENERATION = "interface_generation";
    static final String BOOT_ID = "boot_id";
    static final String PHYSICAL_CPU_IDS = "physical_cpu_ids";

    /** Values of {@code generation}. */
    static final String CURRENT = "current";

    static final String RFC_V2 = "rfc-v2";

    private PoolSchema() {}

    static Schema schema() {
        return Schema.of(Block.builder()
                .markdownDescription("""
                        The multikernel pool of one host: the CPUs, memory and PCI devices that kernel \
                        instances may be given.

                        On hosts with the current multikernel interface, creating the pool writes the \
                        baseline, changes go through `/resources` overlay transactions tagged \
                        `terraform:pool` (a failed transaction is rolled back), and destroying it gives \
                        everything back to the host once no instance holds anything from it.

                        On RFC v2 hosts the pool is the memory region reserved at boot with \
                        `mkkernel_pool=SIZE`: the resource adopts it read-only. Leave `cpus` and \
                        `devices` out there; `memory` may state its size.

                        CPUs are **logical** CPU numbers, as `lscpu` shows them; the kernel's physical \
                        (APIC) ids are shown in `physical_cpu_ids`. Values are read back in the form \
                        written: `"1024MiB"` stays `"1024MiB"` while the pool holds that many bytes.

                        After the host reboots the pool is gone (it lives in the kernel's memory): the \
                        next plan creates it again and warns with both boot ids.""")
                .attribute(HostReads.hostAttribute()
                        .markdownDescription("The host whose pool this is: `address`, `user@address`, "
                                + "`address:port` or `user@address:port`; what it leaves out comes from the "
                                + "provider configuration.")
                        .planModifiers(PlanModifiers.requiresReplace()))
                .attribute(Attribute.string(CPUS)
                        .optional()
                        .markdownDescription(
                                "Logical CPUs lent to the pool, as a CPU list (`\"2-5,8\"`). Needed on hosts with the "
                                        + "current interface; not allowed on RFC v2 hosts, which have no CPU pool."))
                .attribute(Attribute.nested(
                                MEMORY,
                                Nesting.LIST,
                                Attribute.string(SIZE)
                                        .required()
                                        .markdownDescription(
                                                "Size of one contiguous chunk, such as `\"1GiB\"`, `\"512MiB\"` or `\"4G\"`"
                                                        + " (units are powers of 1024); a whole number of 4KiB pages."),
                                Attribute.number(NUMA_NODE)
                                        .optional()
                                        .computed()
                                        .validators(Validators.wholeNumberBetween(0, 1023))
                                        .markdownDescription(
                                                "NUMA node to take the chunk from; left out, the kernel picks one and it is "
                                                        + "shown here."))
                        .optional()
                        .computed()
                        .planModifiers(PlanModifiers.useStateForUnknown())
                        .markdownDescription("Memory chunks of the pool; the kernel picks "
                                + "their addresses. Needed on hosts with the current interface. On RFC v2 hosts the "
                                + "pool is reserved at boot: leave it out (it is then read from the host) or state "
                                + "its size."))
                .attribute(Attribute.nested(
                                DEVICES,
                                Nesting.LIST,
                                Attribute.string(ADDRESS)
                                        .required()
                                        .markdownDescription(
                                                "PCI address `DDDD:BB:SS.F` (hex), as `lspci -D` shows it."))
                        .optional()
                        .markdownDescription("PCI functions lent to the pool (current interface" + " only)."))
                .attribute(Attribute.string(ID)
                        .computed()
                        .markdownDescription("The host, as written.")
                        .planModifiers(PlanModifiers.useStateForUnknown()))
                .attribute(Attribute.string(GENERATION)
                        .computed()
                        .markdownDescription("The interface the host speaks: `current` or `rfc-v2`.")
                        .planModifiers(PlanModifiers.useStateForUnknown()))
                .attribute(Attribute.string(BOOT_ID)
                        .computed()
                        .markdownDescription(
                                "The host's boot id when the pool was created or imported; the pool does not outlive "
                                        + "a reboot.")
                        .planModifiers(PlanModifiers.useStateForUnknown()))
                .attribute(Attribute.of(PHYSICAL_CPU_IDS, CtyType.list(CtyType.NUMBER))
                        .computed()
                        .markdownDescription("The physical (x86 APIC) ids of `cpus`, in the order of the logical "
                                + "numbers: what the kernel's device trees carry. Empty on RFC v2 hosts."))
                .build());
    }
}
