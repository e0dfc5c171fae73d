package dev.multikernel.provider.datasources;

import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.provider.hosts.HostReads;
import dev.multikernel.provider.hosts.Hosts;
import dev.multikernel.provider.plan.V2InstanceSource;
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

/** {@code multikernel_instances}: the kernel instances of one host with their CPUs and memory. */
public final class InstancesDataSource implements DataSource {
    public static final String TYPE_NAME = "multikernel_instances";

    private final Hosts hosts;

    public InstancesDataSource(Hosts hosts) {
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
                        Lists the kernel instances of one host, sorted by name, with the CPUs and memory each \
                        one owns. CPUs and memory are read from each instance's device tree (current interface) or \
                        from the tree source the kernel prints (RFC v2, where CPUs are logical numbers and \
                        `physical_cpu_ids` is null).""")
                .attribute(HostReads.hostAttribute())
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
                                                "Lifecycle state as the kernel prints it (`ready`, `loaded`, `active`, ...)."),
                                Attribute.string("cpus")
                                        .computed()
                                        .markdownDescription(
                                                "Its CPUs as a cpulist of logical numbers (those whose mapping is known); null "
                                                        + "when the host does not report them."),
                                Attribute.of("physical_cpu_ids", CtyType.list(CtyType.NUMBER))
                                        .computed()
                                        .markdownDescription("Its CPUs by physical (APIC) id, ascending; null when not "
                                                + "reported."),
                                Attribute.number("memory_bytes")
                                        .computed()
                                        .markdownDescription("Its memory in bytes; null when not reported."),
                                Attribute.string("memory")
                                        .computed()
                                        .markdownDescription(
                                                "Its memory as a size (`\"512MiB\"`); null when not reported."))
                        .computed()
                        .markdownDescription("The instances, by name."))
                .build());
    }

    @Override
    public void validate(TfObject config, Diagnostics diagnostics) {
        HostReads.validateHost(config, diagnostics);
    }

    @Override
    public TfObject read(DataSourceContext context) throws ResourceException {
        HostState state = HostReads.readState(hosts, context.config());
        TfObject result = context.config();
        return describe(result, state);
    }

    static TfObject describe(TfObject result, HostState state) {
        Map<Long, Integer> logical = HostReads.logicalByPhysical(state);
        List<TfObject> instances = new ArrayList<>();
        for (InstanceState i : state.instances()) {
            TfObject o = result.newNested("instances")
                    .with("name", i.name())
                    .with("id", i.id().isPresent() ? i.id().getAsInt() : null)
                    .with("status", i.statusText());
            Optional<InstanceTree> tree = i.deviceTree().flatMap(d -> d.value());
            if (tree.isPresent()) {
                List<Long> physical = tree.get().cpus().stream().sorted().toList();
                o = o.with("cpus", HostReads.logicalCpuList(physical, logical))
                        .with("physical_cpu_ids", physical)
                        .with("memory_bytes", tree.get().memoryBytes())
                        .with("memory", HostDataSource.size(tree.get().memoryBytes()));
            } else if (i.deviceTreeSource().isPresent()) {
                // RFC v2: logical CPU numbers in the kernel's rebuilt DTS text
                V2InstanceSource v2 =
                        V2InstanceSource.parse(i.deviceTreeSource().get());
                if (v2.cpus().isPresent()) {
                    o = o.with(
                            "cpus",
                            dev.multikernel.provider.values.CpuList.of(v2.cpus().get())
                                    .format());
                }
                if (v2.memoryBytes().isPresent()) {
                    o = o.with("memory_bytes", v2.memoryBytes().getAsLong())
                            .with("memory", HostDataSource.size(v2.memoryBytes().getAsLong()));
                }
            }
            instances.add(o);
        }
        return result.with("instances", instances);
    }
}
