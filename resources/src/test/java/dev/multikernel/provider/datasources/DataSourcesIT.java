package dev.multikernel.provider.datasources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.Baseline;
import dev.multikernel.host.devicetree.multikernel.InstanceResources;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.V2Instance;
import dev.multikernel.host.devicetree.multikernel.V2Tree;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.provider.testing.SimulatedFleet;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.multikernel.sim.ssh.SshKeys;
import dev.tfjvm.testing.TerraformCli;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code terraform} attached to the provider served in this JVM, reading simulated hosts
 * (real SSH, real mkctl uploaded by the provider) through the data sources.
 */
class DataSourcesIT {
    static final long MIB = 1L << 20;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "../examples"));

    @TempDir
    static Path work;

    static SimulatedFleet fleet;
    static SimulatedHost current;
    static SimulatedHost rfcV2;

    @BeforeAll
    static void start() throws Exception {
        fleet = SimulatedFleet.start("mkds");
        current = fleet.host("ds-cur", InterfaceGeneration.CURRENT);
        rfcV2 = fleet.host("ds-v2", InterfaceGeneration.RFC_V2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void currentHostBeforeAndAfterABaseline() throws Exception {
        TerraformCli tf = fleet.terraform(work, "current");
        tf.file("main.tf", fleet.providerBlock() + reads("127.0.0.1:" + current.port()));
        JsonNode before = apply(tf, "host");
        assertThat(before.get("host").asText()).isEqualTo("127.0.0.1:" + current.port());
        assertThat(before.get("boot_id").asText()).isEqualTo(current.kernel().bootId());
        assertThat(before.get("kernel_release").asText()).isNotBlank();
        assertThat(before.get("cpus")).hasSize(8);
        assertThat(before.get("cpus").get(5).get("cpu").asInt()).isEqualTo(5);
        assertThat(before.get("cpus").get(5).get("apic_id").asInt()).isEqualTo(18);
        assertThat(before.get("cpus").get(5).get("numa_node").asInt()).isEqualTo(1);
        assertThat(before.get("online_cpus").asText()).isEqualTo("0-7");
        assertThat(before.get("pool").isNull()).isTrue();
        assertThat(before.get("instances")).isEmpty();

        MkctlClient mk = fleet.direct(current);
        mk.mount();
        mk.baseline(Fdt.write(
                new Baseline(List.of(2L, 4L, 6L, 16L), List.of(MemoryRequest.of(1L << 30, 0)), List.of(), Map.of())
                        .toTree()));
        mk.applyOverlay(Fdt.write(OverlayTransaction.of(new OverlayOperation.InstanceCreate(
                        "web", OptionalInt.of(1), new InstanceResources(64 * MIB, List.of(2L, 4L), List.of())))
                .toTree()));

        JsonNode after = apply(tf, "host");
        assertThat(after.get("interface_generation").asText()).isEqualTo("current");
        assertThat(after.get("mounted").asBoolean()).isTrue();
        JsonNode pool = after.get("pool");
        assertThat(pool.get("physical_cpu_ids").toString()).isEqualTo("[2,4,6,16]");
        // Pool CPUs are offline in the host and absent from /proc/cpuinfo; mkctl recorded their
        // APIC ids while they were online (its per-boot CPU map, docs/mkctl.md), so they keep
        // their logical numbers.
        assertThat(after.get("online_cpus").asText()).isEqualTo("0,5-7");
        assertThat(after.get("cpus").get(1).get("online").asBoolean()).isFalse();
        assertThat(after.get("cpus").get(1).get("apic_id").asInt()).isEqualTo(2);
        assertThat(pool.get("cpus").asText()).isEqualTo("1-4");
        assertThat(pool.get("unmapped_physical_cpu_ids")).isEmpty();
        assertThat(pool.get("free_physical_cpu_ids").toString()).isEqualTo("[6,16]");
        assertThat(pool.get("free_cpus").asText()).isEqualTo("3-4");
        assertThat(pool.get("memory_bytes").asLong()).isEqualTo(1L << 30);
        assertThat(pool.get("memory").asText()).isEqualTo("1GiB");
        assertThat(pool.get("free_memory_bytes").asLong()).isEqualTo((1L << 30) - 64 * MIB);
        assertThat(pool.get("free_memory").asText()).isEqualTo("960MiB");
        assertThat(after.get("instances")).hasSize(1);
        assertThat(after.get("instances").get(0).get("name").asText()).isEqualTo("web");
        assertThat(after.get("instances").get(0).get("id").asInt()).isEqualTo(1);
        assertThat(after.get("instances").get(0).get("status").asText()).isEqualTo("ready");

        JsonNode instances =
                JSON.readTree(tf.expect(0, "output", "-json", "instances").stdout());
        assertThat(instances).hasSize(1);
        JsonNode web = instances.get(0);
        assertThat(web.get("cpus").asText()).isEqualTo("1-2");
        assertThat(web.get("physical_cpu_ids").toString()).isEqualTo("[2,4]");
        assertThat(web.get("memory_bytes").asLong()).isEqualTo(64 * MIB);
        assertThat(web.get("memory").asText()).isEqualTo("64MiB");
    }

    @Test
    void rfcV2HostBeforeAndAfterCreatingAnInstance() throws Exception {
        TerraformCli tf = fleet.terraform(work, "rfc-v2");
        tf.file("main.tf", fleet.providerBlock() + reads("root@127.0.0.1:" + rfcV2.port()));
        JsonNode before = apply(tf, "host");
        assertThat(before.get("boot_id").asText()).isEqualTo(rfcV2.kernel().bootId());
        assertThat(before.get("instances")).isEmpty();

        MkctlClient mk = fleet.direct(rfcV2);
        mk.mount();
        mk.v2Create(
                Fdt.write(V2Tree.toTree(List.of(new V2Instance("db", 3, List.of(2, 3), OptionalLong.of(256 * MIB))))),
                List.of("db"));

        JsonNode after = apply(tf, "host");
        assertThat(after.get("interface_generation").asText()).isEqualTo("rfc-v2");
        assertThat(after.get("mounted").asBoolean()).isTrue();
        assertThat(after.get("pool").isNull()).isTrue();
        assertThat(after.get("instances")).hasSize(1);
        assertThat(after.get("instances").get(0).get("name").asText()).isEqualTo("db");
        assertThat(after.get("instances").get(0).get("id").asInt()).isEqualTo(3);
        JsonNode instances =
                JSON.readTree(tf.expect(0, "output", "-json", "instances").stdout());
        assertThat(instances.get(0).get("name").asText()).isEqualTo("db");
        assertThat(instances.get(0).get("cpus").asText()).isEqualTo("2-3"); // RFC v2 speaks logical numbers
        assertThat(instances.get(0).get("physical_cpu_ids").isNull()).isTrue();
        assertThat(instances.get(0).get("memory").asText()).isEqualTo("256MiB");
    }

    @Test
    void aWrongHostKeyIsAnErrorNamingTheFingerprint() throws Exception {
        Path wrong = fleet.dir().resolve("wrong_known_hosts");
        // the current host's address with the other host's key: a changed host key
        Files.writeString(
                wrong, "[127.0.0.1]:" + current.port() + " " + SshKeys.publicKeyLine(rfcV2.hostPublicKey(), "") + "\n");
        TerraformCli tf = fleet.terraform(work, "wrong-key");
        tf.file("main.tf", fleet.providerBlock(wrong) + reads("127.0.0.1:" + current.port()));
        TerraformCli.Result r = tf.expect(1, "plan", "-no-color");
        assertThat(r.errors())
                .contains("Error: Host key of 127.0.0.1:" + current.port() + " rejected")
                .contains(current.hostKeyFingerprint());
    }

    @Test
    void acceptNewRecordsAnUnknownHostKeyAndTrustsIt() throws Exception {
        Path fresh = fleet.dir().resolve("fresh_known_hosts");
        TerraformCli tf = fleet.terraform(work, "accept-new");
        tf.file(
                "main.tf",
                fleet.providerBlock(fresh).replace("use_agent", "host_key_policy = \"accept-new\"\n  use_agent")
                        + reads("127.0.0.1:" + rfcV2.port()));
        JsonNode host = apply(tf, "host");
        assertThat(host.get("boot_id").asText()).isEqualTo(rfcV2.kernel().bootId());
        assertThat(Files.readString(fresh))
                .contains(SshKeys.publicKeyLine(rfcV2.hostPublicKey(), "").strip());
    }

    @Test
    void anUnreachableHostIsAnError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        TerraformCli tf = fleet.terraform(work, "unreachable");
        tf.file(
                "main.tf",
                fleet.providerBlock().replace("use_agent", "connect_timeout = \"5s\"\n  use_agent")
                        + reads("127.0.0.1:" + port));
        TerraformCli.Result r = tf.expect(1, "plan", "-no-color");
        assertThat(r.errors()).contains("Error: Cannot reach host 127.0.0.1:" + port);
    }

    @Test
    void aMalformedHostIsRefusedAtValidateNamingTheAttribute() throws Exception {
        TerraformCli tf = fleet.terraform(work, "bad-host");
        tf.file("main.tf", fleet.providerBlock() + reads("root@@127.0.0.1"));
        TerraformCli.Result r = tf.expect(1, "validate", "-no-color");
        assertThat(r.errors())
                .contains("Invalid host")
                .contains("more than one '@'")
                .contains("data \"multikernel_host\" \"this\"");
    }

    @Test
    void theExamplesValidate() throws Exception {
        String provider = Files.readString(EXAMPLES.resolve("provider/provider.tf"));
        for (String example : List.of("multikernel_host", "multikernel_instances")) {
            TerraformCli tf = fleet.terraform(work, "example-" + example);
            tf.file("provider.tf", provider);
            tf.file(
                    "main.tf",
                    Files.readString(
                            EXAMPLES.resolve("data-sources").resolve(example).resolve("data-source.tf")));
            assertThat(tf.expect(0, "validate", "-no-color").stdout()).contains("The configuration is valid.");
        }
    }

    static JsonNode apply(TerraformCli tf, String output) throws IOException {
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        return JSON.readTree(tf.expect(0, "output", "-json", output).stdout());
    }

    static String reads(String host) {
        return """
                data "multikernel_host" "this" {
                  host = "%1$s"
                }

                data "multikernel_instances" "this" {
                  host = "%1$s"
                }

                output "host" {
                  value = data.multikernel_host.this
                }

                output "instances" {
                  value = data.multikernel_instances.this.instances
                }
                """.formatted(host);
    }
}
