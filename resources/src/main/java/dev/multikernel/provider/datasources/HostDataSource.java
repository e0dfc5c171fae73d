package dev.multikernel.provider.datasources;

import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.KernelImage;
import dev.multikernel.provider.hosts.HostReads;
import dev.multikernel.provider.hosts.Hosts;
import dev.multikernel.provider.values.ByteSize;
import dev.multikernel.provider.values.CpuList;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Nesting;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.spi.DataSource;
import dev.tfjvm.spi.DataSourceContext;
import dev.tfjvm.spi.ResourceException;
import dev.tfjvm.spi.TfObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code multikernel_host}: what one host's multikernel interface shows, read in one call. */
public final class HostDataSource implements DataSource {
    public static final String TYPE_NAME = "multikernel_host";

    private final Hosts hosts;

    public HostDataSource(Hosts hosts) {
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
                        Reads one multikernel host: which kernel interface it speaks, its CPUs and their \
                        physical (APIC) ids, the memory pool and what is free in it, its kernel instances \
                        and the loaded kernel images. One round trip to the host (`mkctl state`).

                        CPU lists are in the kernel's cpulist syntax of **logical** CPU numbers (as `lscpu` \
                        and `taskset` show them), with the physical ids the kernel uses beside them.""")
                .attribute(HostReads.hostAttribute())
                .attribute(Attribute.string("interface_generation")
                        .computed()
                        .markdownDescription(
                                "The multikernel interface the kernel speaks: `current` (baseline and overlays), `rfc-v2`,"
                                        + " `unknown` (not mounted yet) or `none` (no multikernel support)."))
                .attribute(Attribute.bool("mounted")
                        .computed()
                        .markdownDescription("Whether `/sys/fs/multikernel` is mounted."))
                .attribute(Attribute.string("kernel_release")
                        .computed()
                        .markdownDescription("The host kernel's release (`uname -r`); null when unreadable."))
                .attribute(Attribute.string("boot_id")
                        .computed()
                        .markdownDescription("Changes at every boot of the host."))
                .attribute(Attribute.string("online_cpus")
                        .computed()
                        .markdownDescription("Logical CPUs the host kernel runs on, as a cpulist (`\"0-1,4\"`)."))
                .attribute(Attribute.nested(
                                "cpus",
                                Nesting.LIST,
                                Attribute.number("cpu").computed().markdownDescription("Logical CPU number."),
                                Attribute.number("apic_id")
                                        .computed()
                                        .markdownDescription(
                                                "Physical (APIC) id; null when the host does not know it."),
                                Attribute.number("numa_node")
                                        .computed()
                                        .markdownDescription("NUMA node; null when unknown."),
                                Attribute.bool("online")
                                        .computed()
                                        .markdownDescription(
                                                "Whether the host kernel runs on it (pool CPUs are offline)."))
                        .computed()
                        .markdownDescription("Every CPU of the host, by logical number."))
                .attribute(Attribute.nested(
                                "pool",
                                Nesting.SINGLE,
                                Attribute.string("cpus")
                                        .computed()
                                        .markdownDescription(
                                                "The pool's CPUs as a cpulist of logical numbers (those whose mapping is known)."),
                                Attribute.of("physical_cpu_ids", CtyType.list(CtyType.NUMBER))
                                        .computed()
                                        .markdownDescription("The pool's CPUs by physical (APIC) id, ascending."),
                                Attribute.of("unmapped_physical_cpu_ids", CtyType.list(CtyType.NUMBER))
                                        .computed()
                                        .markdownDescription("Pool CPUs whose logical number the host does not know."),
                                Attribute.string("free_cpus")
                                        .computed()
                                        .markdownDescription(
                                                "Pool CPUs not lent to an instance, as a logical cpulist."),
                                Attribute.of("free_physical_cpu_ids", CtyType.list(CtyType.NUMBER))
                                        .computed()
                                        .markdownDescription("Free pool CPUs by physical id."),
                                Attribute.number("memory_bytes")
                                        .computed()
                                        .markdownDescription("Pool memory in bytes."),
                                Attribute.string("memory")
                                        .computed()
                                        .markdownDescription("Pool memory as a size (`\"4GiB\"`)."),
                                Attribute.number("free_memory_bytes")
                                        .computed()
                                        .markdownDescription("Pool memory not given to an instance, in bytes."),
                                Attribute.string("free_memory")
                                        .computed()
                                        .markdownDescription("Free pool memory as a size."))
                        .computed()
                        .markdownDescription("The memory pool (current interface, once a baseline is"
                                + " written); null otherwise."))
                .attribute(Attribute.nested(
                                "instances",
                                Nesting.LIST,
                                Attribute.string("name").computed().markdownDescription("Instance name."),
                                Attribute.number("id")
                                        .computed()
                                        .markdownDescription("Instance id; null when unreadable."),
                                Attribute.string("status")
                                        .computed()
                                        .markdownDescription(
                                                "Lifecycle state as the kernel prints it (`ready`, `loaded`, `active`, ...)."))
                        .computed()
                        .markdownDescription("Kernel instances, by name."))
                .attribute(Attribute.nested(
                                "kernel_images",
                                Nesting.LIST,
                                Attribute.number("id")
                                        .computed()
                                        .markdownDescription("The multikernel id it belongs to."),
                                Attribute.string("type").computed().markdownDescription("Image type."),
                                Attribute.string("start").computed().markdownDescription("Start address (`0x...`)."),
                                Attribute.number("segments").computed().markdownDescription("Number of segments."))
                        .computed()
                        .markdownDescription("Loaded kernel images (`/proc/kimage`); empty when the host "
                                + "has none or no such file."))
                .attribute(Attribute.of("warnings", CtyType.list(CtyType.STRING))
                        .computed()
                        .markdownDescription("What the host could not read or parse."))
                .build());
    }

    @Override
    public void validate(TfObject config, Diagnostics diagnostics) {
        HostReads.validateHost(config, diagnostics);
    }

    @Override
    public TfObject read(DataSourceContext context) throws ResourceException {
        HostState state = HostReads.readState(hosts, context.config());
        return describe(context.config(), state);
    }

    /** Fills every computed attribute of {@code result} from {@code state}. */
    static TfObject describe(TfObject result, HostState state) {
        Map<Long, Integer> logical = HostReads.logicalByPhysical(state);
        List<TfObject> cpus = new ArrayList<>();
        List<Integer> online = new ArrayList<>();
        for (CpuState c : state.cpus()) {
            cpus.add(result.newNested("cpus")
                    .with("cpu", c.cpu())
                    .with("apic_id", c.apicId().isPresent() ? c.apicId().getAsInt() : null)
                    .with("numa_node", c.numaNode().isPresent() ? c.numaNode().getAsInt() : null)
                    .with("online", c.online()));
            if (c.online() && CpuList.isValidId(c.cpu())) {
                online.add(c.cpu());
            }
        }
        List<TfObject> instances = new ArrayList<>();
        for (InstanceState i : state.instances()) {
            instances.add(result.newNested("instances")
                    .with("name", i.name())
                    .with("id", i.id().isPresent() ? i.id().getAsInt() : null)
                    .with("status", i.statusText()));
        }
        List<TfObject> images = new ArrayList<>();
        for (KernelImage k : state.kernelImages().orElse(List.of())) {
            images.add(result.newNested("kernel_images")
                    .with("id", k.mkId())
                    .with("type", k.type())
                    .with("start", k.start())
                    .with("segments", k.segments()));
        }
        Optional<TfObject> pool = state.pool()
                .flatMap(p -> p.deviceTree().value())
                .map(tree -> pool(result.newNested("pool"), tree, state, logical));
        return result.with("interface_generation", state.generation().wireName())
                .with("mounted", state.mounted())
                .with("kernel_release", state.kernelRelease().orElse(null))
                .with("boot_id", state.bootId())
                .with("online_cpus", CpuList.of(online).format())
                .with("cpus", cpus)
                .with("pool", pool.orElse(null))
                .with("instances", instances)
                .with("kernel_images", images)
                .with("warnings", state.warnings());
    }

    private static TfObject pool(TfObject empty, PoolTree tree, HostState state, Map<Long, Integer> logical) {
        long total = 0;
        for (PoolChunk c : tree.chunks()) {
            total = saturatingAdd(total, c.size());
        }
        long lent = 0;
        for (InstanceState i : state.instances()) {
            Optional<InstanceTree> t = i.deviceTree().flatMap(d -> d.value());
            if (t.isPresent()) {
                lent = saturatingAdd(lent, t.get().memoryBytes());
            }
        }
        long free = Math.max(0, total - lent);
        List<Long> physical = tree.cpus().stream().sorted().toList();
        List<Long> available = tree.cpusAvailable().stream().sorted().toList();
        return empty.with("cpus", HostReads.logicalCpuList(physical, logical))
                .with("physical_cpu_ids", physical)
                .with("unmapped_physical_cpu_ids", HostReads.unmapped(physical, logical))
                .with("free_cpus", HostReads.logicalCpuList(available, logical))
                .with("free_physical_cpu_ids", available)
                .with("memory_bytes", total)
                .with("memory", size(total))
                .with("free_memory_bytes", free)
                .with("free_memory", size(free));
    }

    static String size(long bytes) {
        return bytes < 0 ? null : ByteSize.ofBytes(bytes).format();
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return (b > 0 && r < a) || a < 0 || b < 0 ? Long.MAX_VALUE : r;
    }
}
