package dev.multikernel.provider.resources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.state.HostState;
import dev.multikernel.provider.resources.instance.InstanceResource;
import dev.multikernel.provider.resources.overlay.OverlayResource;
import dev.multikernel.provider.resources.pool.PoolResource;
import dev.multikernel.provider.testing.FakeHosts;
import dev.multikernel.provider.testing.ResourceHarness;
import dev.multikernel.provider.testing.ResourceHarness.Diag;
import dev.multikernel.provider.testing.TestStates;
import dev.tfjvm.spi.TfObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Numbers that must be whole: a fraction is an error on the attribute at validate, and a plan that
 * gets one anyway answers with the same error, never "Unexpected provider error" (issue #15).
 */
class WholeNumbersTest {
    private static final HostState POOLED = TestStates.withPool(List.of(4, 5, 6, 7), List.of(), List.of());

    private final FakeHosts hosts = new FakeHosts(POOLED);
    private final ResourceHarness instance = new ResourceHarness(new InstanceResource(hosts));
    private final ResourceHarness pool = new ResourceHarness(new PoolResource(hosts));
    private final ResourceHarness overlay = new ResourceHarness(new OverlayResource(hosts));

    private TfObject instance() {
        return instance.object()
                .with("host", "h1")
                .with("name", "web")
                .with("memory", "256MiB")
                .with("kernel", "/boot/vmlinuz-mk");
    }

    /** The one error of validate and of plan, which must be the same. */
    private static Diag onlyError(ResourceHarness h, TfObject config) {
        List<Diag> validate = h.validate(config);
        assertThat(validate).filteredOn(Diag::isError).hasSize(1);
        ResourceHarness.Plan plan = h.plan(Optional.empty(), config);
        assertThat(plan.planned()).isEmpty();
        assertThat(plan.errors())
                .containsExactlyElementsOf(
                        validate.stream().filter(Diag::isError).toList());
        assertThat(plan.diagnostics()).noneSatisfy(d -> assertThat(d.summary()).contains("Unexpected"));
        return validate.stream().filter(Diag::isError).findFirst().orElseThrow();
    }

    @Test
    void aFractionalCpuCount() {
        Diag d = onlyError(instance, instance().with("cpu_count", new BigDecimal("1.5")));
        assertThat(d.summary()).isEqualTo("Invalid value for cpu_count");
        assertThat(d.detail())
                .isEqualTo("1.5 is not a whole number: cpu_count must be a whole number between 1 and 8192.");
        assertThat(d.path()).isEqualTo("cpu_count");
    }

    @Test
    void aFractionalInstanceId() {
        Diag d = onlyError(instance, instance().with("cpus", "4-5").with("instance_id", new BigDecimal("2.5")));
        assertThat(d.summary()).isEqualTo("Invalid value for instance_id");
        assertThat(d.detail())
                .isEqualTo("2.5 is not a whole number: instance_id must be a whole number between 1 and 2047.");
        assertThat(d.path()).isEqualTo("instance_id");
    }

    @Test
    void aFractionalNumaNode() {
        Diag d = onlyError(instance, instance().with("cpus", "4-5").with("numa_node", new BigDecimal("0.5")));
        assertThat(d.summary()).isEqualTo("Invalid value for numa_node");
        assertThat(d.detail())
                .isEqualTo("0.5 is not a whole number: numa_node must be a whole number between 0 and 1023.");
        assertThat(d.path()).isEqualTo("numa_node");
    }

    @Test
    void aHugeCpuCount() {
        Diag d = onlyError(instance, instance().with("cpu_count", new BigDecimal("1e30")));
        assertThat(d.summary()).isEqualTo("Value out of range for cpu_count");
        assertThat(d.detail())
                .isEqualTo("1000000000000000000000000000000 is out of range: cpu_count must be a whole number between 1"
                        + " and 8192.");
    }

    @Test
    void aFractionalNumaNodeOfAPoolChunk() {
        TfObject c = pool.object().with("host", "h1").with("cpus", "4-7");
        c = c.with(
                "memory", List.of(c.newNested("memory").with("size", "1GiB").with("numa_node", new BigDecimal("0.5"))));
        Diag d = onlyError(pool, c);
        assertThat(d.summary()).isEqualTo("Invalid value for memory[0].numa_node");
        assertThat(d.detail())
                .isEqualTo("0.5 is not a whole number: memory[0].numa_node must be a whole number between 0 and 1023.");
        assertThat(d.path()).as("Terraform underlines the element").isEqualTo("memory[0]");
    }

    @Test
    void aFractionalNumaNodeOfAnOverlaysMemory() {
        TfObject c = overlay.object().with("host", "h1");
        c = c.with(
                "memory_add",
                List.of(c.newNested("memory_add").with("size", "1GiB").with("numa_node", new BigDecimal("0.5"))));
        Diag d = onlyError(overlay, c);
        assertThat(d.summary()).isEqualTo("Invalid value for memory_add[0].numa_node");
        assertThat(d.detail())
                .isEqualTo(
                        "0.5 is not a whole number: memory_add[0].numa_node must be a whole number between 0 and 1023.");
        assertThat(d.path()).isEqualTo("memory_add[0]");
    }

    @Test
    void fractionalNumbersInTheProviderBlock() throws Exception {
        dev.tfjvm.schema.Block block = dev.multikernel.provider.config.ProviderConfigSchema.block();
        dev.tfjvm.server.ProviderService service =
                new dev.tfjvm.server.ProviderService(new dev.multikernel.provider.MultikernelProvider());
        TfObject c = TfObject.empty(block)
                .with("port", new BigDecimal("22.5"))
                .with("per_host_concurrency", new BigDecimal("2.5"));
        c = c.with(
                "proxy_jump", c.newNested("proxy_jump").with("host", "bastion").with("port", new BigDecimal("1e9")));
        dev.tfjvm.proto.tfplugin6.Tfplugin6.ValidateProviderConfig.Response r = dev.tfjvm.testing.DirectCall.unary(
                service::validateProviderConfig,
                dev.tfjvm.proto.tfplugin6.Tfplugin6.ValidateProviderConfig.Request.newBuilder()
                        .setConfig(dev.tfjvm.proto.tfplugin6.Tfplugin6.DynamicValue.newBuilder()
                                .setMsgpack(com.google.protobuf.ByteString.copyFrom(
                                        dev.tfjvm.cty.CtyMsgpack.encode(c.value(), block.impliedType()))))
                        .build());
        assertThat(r.getDiagnosticsList())
                .extracting(d -> d.getSummary() + ": " + d.getDetail())
                .containsExactlyInAnyOrder(
                        "Invalid value for port: 22.5 is not a whole number: port must be a whole number between 1"
                                + " and 65535.",
                        "Invalid value for per_host_concurrency: 2.5 is not a whole number: per_host_concurrency must"
                                + " be a whole number between 1 and 10.",
                        "Value out of range for proxy_jump.port: 1000000000 is out of range: proxy_jump.port must be a"
                                + " whole number between 1 and 65535.");
    }
}
