package dev.multikernel.acceptance;

import static dev.multikernel.acceptance.harness.Workspace.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.acceptance.harness.Hcl;
import dev.multikernel.acceptance.harness.HostSnapshot;
import dev.multikernel.acceptance.harness.OutOfBand;
import dev.multikernel.acceptance.harness.SimulatedFleet;
import dev.multikernel.acceptance.harness.TfState;
import dev.multikernel.acceptance.harness.Workspace;
import dev.tfjvm.testing.TerraformCli;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pool, instances and an overlay made out of band (with mkctl, as an operator would) are imported
 * into Terraform, after which a plan of the matching configuration has nothing to do.
 */
class ImportIT {
    static final long MIB = 1L << 20;

    @RegisterExtension
    static final SimulatedFleet FLEET =
            SimulatedFleet.builder().current("im1").rfcV2("iv1").build();

    @BeforeEach
    void clean() {
        FLEET.resetAll();
    }

    @Test
    void poolInstanceAndOverlayMadeOutOfBandOnACurrentHost() {
        String host = FLEET.address("im1");
        OutOfBand oob = FLEET.outOfBand("im1");
        oob.createPool(List.of(4, 5, 6, 7), 1024 * MIB, 1);
        int tx = oob.addPoolCpus(List.of(3)); // the pool grows by CPU 3 with an overlay
        oob.createInstance("web", 3, List.of(4, 5), 256 * MIB);
        oob.boot("web", FLEET.kernelImage());
        HostSnapshot made = HostSnapshot.of(FLEET.host("im1"));

        Workspace ws = FLEET.workspace("import-current").main("""
                resource "multikernel_pool" "this" {
                  host   = "%1$s"
                  cpus   = "3-7"
                  memory = [{ size = "1GiB", numa_node = 1 }]
                }

                resource "multikernel_overlay" "cpu3" {
                  host    = "%1$s"
                  cpu_add = "3"
                }

                resource "multikernel_instance" "web" {
                  host          = "%1$s"
                  name          = "web"
                  instance_id   = 3
                  cpus          = "4-5"
                  memory        = "256MiB"
                  kernel        = "%2$s"
                  cmdline       = "console=ttyS0"
                  desired_state = "active"
                }
                """.formatted(host, FLEET.kernelImage()));
        expect(0, ws.importResource("multikernel_pool.this", host));
        expect(0, ws.importResource("multikernel_overlay.cpu3", host + ":" + tx));
        expect(0, ws.importResource("multikernel_instance.web", host + ":web"));

        TfState state = ws.state();
        assertThat(state.managedAddresses())
                .containsExactlyInAnyOrder(
                        "multikernel_pool.this", "multikernel_overlay.cpu3", "multikernel_instance.web");
        assertThat(state.attr("multikernel_pool.this", "cpus")).isEqualTo("3-7");
        assertThat(state.attr("multikernel_overlay.cpu3", "transaction_id")).isEqualTo(String.valueOf(tx));
        assertThat(state.attr("multikernel_instance.web", "instance_id")).isEqualTo("3");
        assertThat(state.attr("multikernel_instance.web", "status")).isEqualTo("active");
        assertThat(state.attr("multikernel_instance.web", "boot_id")).isEqualTo(oob.bootId());

        assertThat(HostSnapshot.of(FLEET.host("im1"))).as("import only reads").isEqualTo(made);

        // The kernel does not show which image an instance was loaded with: the first plan records
        // the configured kernel and cmdline in state, without touching the running instance.
        TerraformCli.Result plan = ws.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
        assertThat(plan.stdout())
                .contains("# multikernel_instance.web will be updated in-place")
                .contains("Plan: 0 to add, 1 to change, 0 to destroy.")
                .doesNotContain("must be replaced");
        expect(0, ws.apply());
        assertThat(HostSnapshot.of(FLEET.host("im1")))
                .as("recording the kernel changed nothing on the host")
                .isEqualTo(made);

        TerraformCli.Result clean = ws.detailedPlan();
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
    }

    /**
     * {@code import {}} blocks and {@code terraform plan -generate-config-out}: the generated file is
     * valid as written (one of cpus / cpu_count, no kernel for an instance that runs one the
     * provider did not load), the import plans nothing else, and after it nothing is left to do.
     */
    @Test
    void importBlocksWithGeneratedConfigurationPlanNothingElse() throws Exception {
        String host = FLEET.address("im1");
        OutOfBand oob = FLEET.outOfBand("im1");
        oob.createPool(List.of(4, 5, 6, 7), 1024 * MIB, 1);
        int tx = oob.addPoolCpus(List.of(3));
        oob.createInstance("web", 3, List.of(7), 256 * MIB);
        oob.boot("web", FLEET.kernelImage());
        oob.createInstance("batch", 2, List.of(5, 6), 128 * MIB);
        HostSnapshot made = HostSnapshot.of(FLEET.host("im1"));

        Workspace ws = FLEET.workspace("import-generated").main("""
                import {
                  to = multikernel_pool.this
                  id = "%1$s"
                }

                import {
                  to = multikernel_overlay.cpu3
                  id = "%1$s:%2$d"
                }

                import {
                  to = multikernel_instance.web
                  id = "%1$s:web"
                }

                import {
                  to = multikernel_instance.batch
                  id = "%1$s:batch"
                }
                """.formatted(host, tx));
        TerraformCli.Result generate = ws.plan("-generate-config-out=generated.tf");
        expect(0, generate);
        assertThat(generate.stdout())
                .contains("Plan: 4 to import, 0 to add, 0 to change, 0 to destroy.")
                .doesNotContain("known after apply");
        String generated = Files.readString(ws.dir().resolve("generated.tf"));
        assertThat(generated.replaceAll(" +", " "))
                .contains("cpus = \"7\"")
                .contains("cpu_count = null")
                .contains("kernel = null")
                .contains("desired_state = \"active\"");

        TerraformCli.Result validate = ws.validate();
        assertThat(validate.exitCode()).as(validate.toString()).isZero();

        expect(0, ws.apply());
        assertThat(ws.state().managedAddresses())
                .containsExactlyInAnyOrder(
                        "multikernel_pool.this",
                        "multikernel_overlay.cpu3",
                        "multikernel_instance.web",
                        "multikernel_instance.batch");
        TerraformCli.Result clean = ws.detailedPlan();
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
        assertThat(HostSnapshot.of(FLEET.host("im1")))
                .as("import changed nothing on the host")
                .isEqualTo(made);

        // a live resize of the running instance: only cpus and its APIC ids change in the plan
        ws.file("generated.tf", generated.replace("\"7\"", "\"4,7\""));
        TerraformCli.Result resize = ws.plan();
        expect(0, resize);
        assertThat(resize.stdout())
                .contains("~ cpus ")
                .contains("Plan: 0 to add, 1 to change, 0 to destroy.")
                .doesNotContain("cpu_count")
                .doesNotContain("status")
                .doesNotContain("known after apply");
        expect(0, ws.apply());
        assertThat(ws.state().attr("multikernel_instance.web", "status")).isEqualTo("active");
        TerraformCli.Result resized = ws.detailedPlan();
        assertThat(resized.exitCode()).as(resized.toString()).isZero();
    }

    @Test
    void aReadyInstanceMadeOutOfBandNeedsNoChangeAtAll() {
        String host = FLEET.address("im1");
        OutOfBand oob = FLEET.outOfBand("im1");
        oob.createPool(List.of(4, 5, 6, 7), 1024 * MIB, 1);
        oob.createInstance("batch", 2, List.of(6, 7), 128 * MIB);
        HostSnapshot made = HostSnapshot.of(FLEET.host("im1"));
        Workspace ws = FLEET.workspace("import-ready").main(Hcl.instance("batch", host, """
                name          = "batch"
                instance_id   = 2
                cpus          = "6-7"
                memory        = "128MiB"
                desired_state = "ready"
                """));
        expect(0, ws.importResource("multikernel_instance.batch", host + ":batch"));
        TerraformCli.Result plan = ws.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(HostSnapshot.of(FLEET.host("im1"))).isEqualTo(made);
    }

    @Test
    void anInstanceMadeOutOfBandOnAnRfcV2Host() {
        String host = FLEET.address("iv1");
        OutOfBand oob = FLEET.outOfBand("iv1");
        oob.createInstance("db", 1, List.of(2, 3), 128 * MIB);

        Workspace ws = FLEET.workspace("import-v2").main("""
                resource "multikernel_pool" "this" {
                  host   = "%1$s"
                  memory = [{ size = "4GiB" }]
                }

                resource "multikernel_instance" "db" {
                  host          = "%1$s"
                  name          = "db"
                  instance_id   = 1
                  cpus          = "2-3"
                  memory        = "128MiB"
                  desired_state = "ready"
                }
                """.formatted(host));
        expect(0, ws.importResource("multikernel_pool.this", host));
        expect(0, ws.importResource("multikernel_instance.db", host + ":db"));
        assertThat(ws.state().attr("multikernel_instance.db", "cpus")).isEqualTo("2-3");
        assertThat(ws.state().attr("multikernel_pool.this", "interface_generation"))
                .isEqualTo("rfc-v2");

        TerraformCli.Result plan = ws.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
    }

    @Test
    void anRfcV2PoolImportedWithoutMemoryInTheConfigurationMatchesOneCreatedSo() {
        String host = FLEET.address("iv1");
        FLEET.outOfBand("iv1").mount();
        String config = """
                resource "multikernel_pool" "this" {
                  host = "%s"
                }
                """.formatted(host);
        Workspace created = FLEET.workspace("v2-pool-created").main(config);
        expect(0, created.apply());
        TerraformCli.Result createdPlan = created.detailedPlan();
        assertThat(createdPlan.exitCode()).as(createdPlan.toString()).isZero();

        Workspace imported = FLEET.workspace("v2-pool-imported").main(config);
        expect(0, imported.importResource("multikernel_pool.this", host));
        TerraformCli.Result plan = imported.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        assertThat(imported.state().values("multikernel_pool.this").path("memory"))
                .isEqualTo(created.state().values("multikernel_pool.this").path("memory"));
    }

    @Test
    void importingAnInstanceTheHostDoesNotHaveIsAnErrorNamingIt() {
        String host = FLEET.address("im1");
        FLEET.outOfBand("im1").createPool(List.of(4, 5), 256 * MIB, 1);
        Workspace ws = FLEET.workspace("import-missing").main(Hcl.instance("ghost", host, """
                name   = "ghost"
                cpus   = "4"
                desired_state = "ready"
                """));
        TerraformCli.Result r = ws.importResource("multikernel_instance.ghost", host + ":ghost");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.errors()).contains("ghost");
        assertThat(ws.state().managedAddresses()).isEmpty();
    }
}
