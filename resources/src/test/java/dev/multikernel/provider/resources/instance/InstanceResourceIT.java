package dev.multikernel.provider.resources.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.Baseline;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.mkctl.HaltMode;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.mkctl.MkctlInstall;
import dev.multikernel.host.mkctl.MkctlOptions;
import dev.multikernel.host.ssh.AuthSource;
import dev.multikernel.host.ssh.ConnectionSpec;
import dev.multikernel.host.ssh.HostKeyPolicy;
import dev.multikernel.host.ssh.SshConnectionPool;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.provider.Main;
import dev.multikernel.provider.MultikernelProvider;
import dev.multikernel.sim.fixtures.KernelImages;
import dev.multikernel.sim.kernel.HostTopology;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.HostSpec;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.multikernel.sim.ssh.SshKeys;
import dev.tfjvm.testing.InProcessProvider;
import dev.tfjvm.testing.TerraformCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code multikernel_instance} with the real {@code terraform} against simulated hosts of both
 * interface generations (real SSH, the real mkctl uploaded by the provider). Pools are written
 * directly with mkctl here, as an operator would have done; the pool resource has its own test.
 */
class InstanceResourceIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static Path sims;
    static Path clientKey;
    static Path knownHosts;
    static Path kernel;
    static Path kernel2;
    static SimulatedHost current;
    static SimulatedHost rfcV2;
    static InProcessProvider server;
    static MultikernelProvider provider;
    static String reattach;
    static SshConnectionPool directPool;

    @BeforeAll
    static void start() throws Exception {
        sims = Files.createTempDirectory(Path.of("/tmp"), "mkin");
        clientKey = sims.resolve("id_ed25519");
        KeyPair client = SshKeys.loadOrCreateEd25519(clientKey, "instance-it");
        current = SimulatedHost.start(new HostSpec("in-cur", InterfaceGeneration.CURRENT, HostTopology.defaults(), 0,
                HostSpec.DEFAULT_USERS, List.of(client.getPublic())), sims.resolve("cur"));
        rfcV2 = SimulatedHost.start(new HostSpec("in-v2", InterfaceGeneration.RFC_V2, HostTopology.defaults(), 0,
                HostSpec.DEFAULT_USERS, List.of(client.getPublic())), sims.resolve("v2"));
        knownHosts = sims.resolve("known_hosts");
        Files.writeString(knownHosts, current.knownHostsLine() + "\n" + rfcV2.knownHostsLine() + "\n");
        kernel = KernelImages.validImage(Files.createDirectories(sims.resolve("k1")));
        kernel2 = KernelImages.validImage(Files.createDirectories(sims.resolve("k2")));
        provider = new MultikernelProvider();
        server = InProcessProvider.start(provider, Main.SOURCE_ADDRESS);
        reattach = server.reattachJson();
        directPool = SshConnectionPool.create();

        MkctlClient mk = direct(current);
        mk.state(); // while every CPU is online, so the helper can learn their APIC ids
        mk.mount();
        mk.baseline(Fdt.write(new Baseline(List.of(2L, 4L, 6L, 16L, 18L, 20L, 22L),
                List.of(MemoryRequest.of(1L << 30, 0), MemoryRequest.of(1L << 30, 1)), List.of(), Map.of()).toTree()));
        direct(rfcV2).mount();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        provider.hosts().close();
        if (directPool != null) {
            directPool.close();
        }
        for (SimulatedHost h : new SimulatedHost[] {current, rfcV2}) {
            if (h != null) {
                h.close();
            }
        }
        try (Stream<Path> walk = Files.walk(sims)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static MkctlClient direct(SimulatedHost host) throws Exception {
        ConnectionSpec spec = ConnectionSpec.builder("127.0.0.1").port(host.port()).user("root")
                .auth(new AuthSource.PrivateKeyFile(clientKey))
                .hostKeys(HostKeyPolicy.knownHosts(List.of(knownHosts))).build();
        return new MkctlClient(directPool.transport(spec), MkctlInstall.Upload.defaults(), MkctlOptions.DEFAULTS);
    }

    static String header() {
        return """
                terraform {
                  required_providers {
                    multikernel = {
                      source = "%s"
                    }
                  }
                }

                provider "multikernel" {
                  user              = "root"
                  private_key_file  = "%s"
                  known_hosts_files = ["%s"]
                  use_agent         = false
                }

                """.formatted(Main.SOURCE_ADDRESS, clientKey, knownHosts);
    }

    static TerraformCli terraform(String name) throws IOException {
        return new TerraformCli(Files.createDirectories(work.resolve(name))).withReattach(reattach);
    }

    static JsonNode resource(TerraformCli tf, String address) throws IOException {
        JsonNode state = JSON.readTree(tf.expect(0, "show", "-json").stdout());
        for (JsonNode r : state.path("values").path("root_module").path("resources")) {
            if (r.get("address").asText().equals(address)) {
                return r.get("values");
            }
        }
        throw new AssertionError(address + " not in state: " + state);
    }

    @Test
    void currentHostLifecycleWithLiveResizeRestartAndDrift() throws Exception {
        String host = "127.0.0.1:" + current.port();
        TerraformCli tf = terraform("current");
        String config = header() + """
                resource "multikernel_instance" "web" {
                  host    = "%1$s"
                  name    = "web"
                  cpus    = "1,2"
                  memory  = "256MiB"
                  kernel  = "%2$s"
                  cmdline = "console=ttyS0"
                }

                resource "multikernel_instance" "batch" {
                  host          = "%1$s"
                  name          = "batch"
                  cpu_count     = 2
                  cpu_policy    = "same_numa_node"
                  memory        = "128MiB"
                  numa_node     = 1
                  desired_state = "ready"
                }
                """;
        tf.file("main.tf", config.formatted(host, kernel));
        tf.expect(0, "init", "-no-color");
        String plan = tf.expect(0, "plan", "-no-color").stdout();
        assertThat(plan).contains("cpus").contains("(known after apply)");
        tf.expect(0, "apply", "-no-color", "-auto-approve");

        JsonNode web = resource(tf, "multikernel_instance.web");
        assertThat(web.get("status").asText()).isEqualTo("active");
        assertThat(web.get("cpus").asText()).isEqualTo("1,2");
        assertThat(web.get("physical_cpu_ids").toString()).isEqualTo("[2,4]");
        assertThat(web.get("instance_id").asInt()).isEqualTo(2); // ids go out in name order: batch got 1
        JsonNode batch = resource(tf, "multikernel_instance.batch");
        assertThat(batch.get("cpus").asText()).isEqualTo("4-5");
        assertThat(batch.get("status").asText()).isEqualTo("ready");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        // live: two more CPUs for web, no restart needed
        tf.file("main.tf", config.replace("cpus    = \"1,2\"", "cpus    = \"1-3\"").formatted(host, kernel));
        String live = tf.expect(0, "apply", "-no-color", "-auto-approve").stdout();
        assertThat(live).contains("changes live");
        assertThat(direct(current).state().instance("web").orElseThrow().status()).isEqualTo(InstanceStatus.ACTIVE);
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        // a new kernel stops web: refused without allow_restart
        String restart = config.replace("cpus    = \"1,2\"", "cpus    = \"1-3\"");
        tf.file("main.tf", restart.formatted(host, kernel2));
        assertThat(tf.expect(1, "plan", "-no-color").errors()).contains("allow_restart");
        tf.file("main.tf", restart.replace("cmdline = \"console=ttyS0\"",
                "cmdline = \"console=ttyS0\"\n  allow_restart = true").formatted(host, kernel2));
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        // drift: web halted behind Terraform's back
        int id = direct(current).state().instance("web").orElseThrow().id().getAsInt();
        direct(current).halt(id, HaltMode.GRACEFUL, Duration.ofSeconds(5));
        TerraformCli.Result drift = tf.expect(2, "plan", "-no-color", "-detailed-exitcode");
        assertThat(drift.stdout()).contains("desired_state").contains("\"loaded\" -> \"active\"");
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        tf.expect(0, "destroy", "-no-color", "-auto-approve");
        HostState after = direct(current).state();
        assertThat(after.instances()).isEmpty();
    }

    @Test
    void overlappingCpusFailThePlanAndTheHostIsUntouched() throws Exception {
        String host = "127.0.0.1:" + current.port();
        TerraformCli tf = terraform("overlap");
        tf.file("main.tf", header() + """
                resource "multikernel_instance" "a" {
                  host = "%1$s"
                  name = "a"
                  cpus = "1-2"
                  desired_state = "ready"
                }

                resource "multikernel_instance" "b" {
                  host = "%1$s"
                  name = "b"
                  cpus = "2-3"
                  desired_state = "ready"
                }

                resource "multikernel_instance" "c" {
                  host   = "%1$s"
                  name   = "c"
                  cpus   = "99"
                  desired_state = "ready"
                }
                """.formatted(host));
        tf.expect(0, "init", "-no-color");
        String errors = tf.expect(1, "plan", "-no-color").errors();
        assertThat(errors).contains("CPU 2 is also requested by instance");
        assertThat(errors).contains("CPU 99 does not exist on host");
        assertThat(direct(current).state().instances()).isEmpty();

        // malformed values stop Terraform before it plans anything
        tf.file("main.tf", header() + """
                resource "multikernel_instance" "d" {
                  host   = "%1$s"
                  name   = "d"
                  cpus   = "4-"
                  memory = "lots"
                }
                """.formatted(host));
        String invalid = tf.expect(1, "plan", "-no-color").errors();
        assertThat(invalid).contains("Invalid CPU list").contains("Invalid memory size").contains("\"lots\" is not a size");
        assertThat(direct(current).state().instances()).isEmpty();
    }

    @Test
    void rfcV2InstanceIsCreatedLoadedImportedAndRemoved() throws Exception {
        String host = "127.0.0.1:" + rfcV2.port();
        TerraformCli tf = terraform("v2");
        String config = header() + """
                resource "multikernel_instance" "db" {
                  host          = "%s"
                  name          = "db"
                  cpus          = "2-3"
                  memory        = "64MiB"
                  desired_state = "loaded"
                  kernel        = "%s"
                }
                """.formatted(host, kernel);
        tf.file("main.tf", config);
        tf.expect(0, "init", "-no-color");
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        JsonNode db = resource(tf, "multikernel_instance.db");
        assertThat(db.get("interface_generation").asText()).isEqualTo("rfc-v2");
        assertThat(db.get("physical_cpu_ids").toString()).isEqualTo("[2,3]");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        // forget it, import it again: the plan only records the kernel path
        tf.expect(0, "state", "rm", "multikernel_instance.db");
        tf.expect(0, "import", "-no-color", "multikernel_instance.db", host + ":db");
        JsonNode imported = resource(tf, "multikernel_instance.db");
        assertThat(imported.get("cpus").asText()).isEqualTo("2-3");
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        tf.expect(0, "plan", "-no-color", "-detailed-exitcode");

        tf.expect(0, "destroy", "-no-color", "-auto-approve");
        assertThat(direct(rfcV2).state().instances()).isEmpty();
    }
}
