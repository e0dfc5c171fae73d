package dev.multikernel.provider.resources.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.provider.plan.CpuRequest;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.spi.TfObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InstanceConfigTest {
    static TfObject config() {
        return TfObject.empty(InstanceSchema.schema().block())
                .with("host", "h1")
                .with("name", "web")
                .with("cpu_policy", "compact")
                .with("desired_state", "ready")
                .with("halt_timeout", "30s")
                .with("cmdline", "")
                .with("force_halt", false)
                .with("allow_restart", false);
    }

    static String errors(Diagnostics d) {
        return String.join(
                "\n", d.all().stream().map(x -> x.summary() + " @ " + x.path()).toList());
    }

    @Test
    void explicitCpusAndCountAreReadAndTyped() {
        Diagnostics d = new Diagnostics();
        Optional<InstanceConfig> c = InstanceConfig.read(config().with("cpus", "4-7,10"), d);
        assertThat(d.all()).isEmpty();
        assertThat(c.orElseThrow().cpus()).isInstanceOf(CpuRequest.Explicit.class);
        assertThat(((CpuRequest.Explicit) c.get().cpus()).cpus().format()).isEqualTo("4-7,10");

        c = InstanceConfig.read(config().with("cpu_count", 3L).with("cpu_policy", "spread_numa"), d);
        assertThat(((CpuRequest.Count) c.orElseThrow().cpus()).count()).isEqualTo(3);
        assertThat(((CpuRequest.Count) c.get().cpus()).strategy().name()).isEqualTo("spread_numa");
    }

    @Test
    void eachMistakeIsReportedOnItsAttribute() {
        Diagnostics d = new Diagnostics();
        // neither or both of cpus and cpu_count: the resource's config validator reports it, once
        assertThat(InstanceConfig.read(config(), d)).isEmpty();
        assertThat(InstanceConfig.read(config().with("cpus", "1").with("cpu_count", 2L), d))
                .isEmpty();
        assertThat(d.all()).isEmpty();

        d = new Diagnostics();
        assertThat(InstanceConfig.read(
                        config().with("cpus", "3-1")
                                .with("memory", "12 parsecs")
                                .with(
                                        "devices",
                                        java.util.List.of(
                                                config().newNested("devices").with("address", "pci0"))),
                        d))
                .isEmpty();
        assertThat(errors(d))
                .contains("Invalid CPU list @ ")
                .contains("Invalid memory size")
                .contains("Invalid PCI address");

        // without kernel, an active instance is checked at plan time: an imported one keeps its kernel
        d = new Diagnostics();
        Optional<InstanceConfig> noKernel =
                InstanceConfig.read(config().with("cpus", "1").with("desired_state", "active"), d);
        assertThat(d.all()).isEmpty();
        assertThat(noKernel.orElseThrow().missingKernel(true)).isEmpty();
        assertThat(noKernel.get().missingKernel(false)).hasValueSatisfying(e -> {
            assertThat(e.summary()).isEqualTo("No kernel to start");
            assertThat(e.path()).hasValue(dev.tfjvm.cty.CtyPath.ROOT.attr("kernel"));
        });

        d = new Diagnostics();
        assertThat(InstanceConfig.read(
                        config().with("cpus", "1")
                                .with("desired_state", "loaded")
                                .with("kernel", "/boot/vmlinuz"),
                        d))
                .isEmpty();
        assertThat(errors(d)).contains("No memory to load a kernel into");

        d = new Diagnostics();
        assertThat(InstanceConfig.read(config().with("cpus", "1").with("halt_timeout", "soon"), d))
                .isEmpty();
        assertThat(d.all()).extracting(Diagnostic::summary).containsExactly("Invalid halt_timeout");
    }

    @Test
    void unknownValuesAreNotErrors() {
        Diagnostics d = new Diagnostics();
        assertThat(InstanceConfig.read(config().withUnknown("cpus"), d)).isEmpty();
        assertThat(d.all()).isEmpty();
    }

    @Test
    void exactlyOneOfCpusAndCpuCountIsTheResourcesConfigValidator() {
        dev.tfjvm.schema.ConfigValidator v =
                new InstanceResource(null).configValidators().get(0);
        Diagnostics both = new Diagnostics();
        v.validate(config().with("cpus", "1").with("cpu_count", 2L).value(), both);
        assertThat(both.all()).singleElement().satisfies(x -> {
            assertThat(x.path()).contains(dev.tfjvm.cty.CtyPath.ROOT.attr("cpu_count"));
            assertThat(x.detail()).contains("cannot be used together").contains("cpu_count says how many");
        });
        Diagnostics neither = new Diagnostics();
        v.validate(config().value(), neither);
        assertThat(neither.all())
                .singleElement()
                .satisfies(x -> assertThat(x.detail())
                        .startsWith("Set one of cpus and cpu_count.")
                        .contains("cpus = \"4-7\""));
        Diagnostics one = new Diagnostics();
        v.validate(config().with("cpu_count", 2L).value(), one);
        assertThat(one.all()).isEmpty();
    }
}
