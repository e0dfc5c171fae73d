package dev.tfjvm.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.proto.goplugin.GRPCControllerGrpc;
import dev.tfjvm.proto.goplugin.GrpcControllerProto;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs {@link HealthOnlyMain} as a child process, as Terraform does. */
class PluginMainProcessTest {
    private static final Map<String, String> TERRAFORM_ENV = Map.of(
            "TF_PLUGIN_MAGIC_COOKIE", GoPlugin.MAGIC_COOKIE_VALUE,
            "PLUGIN_PROTOCOL_VERSIONS", "5,6",
            "PLUGIN_MIN_PORT", "0",
            "PLUGIN_MAX_PORT", "0");

    private static ServingStatus health(ManagedChannel channel) {
        return HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("plugin").build())
                .getStatus();
    }

    private static void shutdown(ManagedChannel channel) {
        GRPCControllerGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .shutdown(GrpcControllerProto.Empty.getDefaultInstance());
        channel.shutdownNow();
    }

    @Test
    void withoutTheMagicCookieExplainsAndExits1WithNothingOnStdout() throws Exception {
        try (ProviderProcess p = ProviderProcess.start(ProviderProcess.javaCommand(HealthOnlyMain.class), Map.of())) {
            assertThat(p.waitFor(30)).isTrue();
            assertThat(p.process.exitValue()).isEqualTo(1);
            assertThat(p.remainingStdout()).isEmpty();
            assertThat(p.stderr())
                    .contains("Terraform provider plugin")
                    .contains("--debug")
                    .contains("TF_REATTACH_PROVIDERS");
        }
    }

    @Test
    void withoutProtocol6OnOfferExplainsAndExits1() throws Exception {
        Map<String, String> env = new HashMap<>(TERRAFORM_ENV);
        env.put("PLUGIN_PROTOCOL_VERSIONS", "4,5");
        try (ProviderProcess p = ProviderProcess.start(ProviderProcess.javaCommand(HealthOnlyMain.class), env)) {
            assertThat(p.waitFor(30)).isTrue();
            assertThat(p.process.exitValue()).isEqualTo(1);
            assertThat(p.remainingStdout()).isEmpty();
            assertThat(p.stderr()).contains("protocol version 6").contains("4,5");
        }
    }

    @Test
    void plaintextManagedRunPrintsOnlyTheHandshakeIgnoresSigintAndExitsOnShutdown() throws Exception {
        Map<String, String> env = new HashMap<>(TERRAFORM_ENV);
        env.put("TF_DISABLE_PLUGIN_TLS", "1");
        try (ProviderProcess p = ProviderProcess.start(ProviderProcess.javaCommand(HealthOnlyMain.class), env)) {
            String line = p.readStdoutLine();
            assertThat(line).matches("1\\|6\\|tcp\\|127\\.0\\.0\\.1:\\d+\\|grpc\\|");
            ManagedChannel channel = Clients.plaintext(Clients.address(line.split("\\|")[3]));
            assertThat(health(channel)).isEqualTo(ServingStatus.SERVING);

            p.signal("INT");
            assertThat(p.waitFor(1)).as("SIGINT must not end the provider").isFalse();
            assertThat(health(channel)).isEqualTo(ServingStatus.SERVING);

            shutdown(channel);
            assertThat(p.waitFor(10))
                    .as("process exits after GRPCController.Shutdown")
                    .isTrue();
            assertThat(p.process.exitValue()).isZero();
            assertThat(p.remainingStdout())
                    .as("nothing after the handshake on stdout")
                    .isEmpty();
            assertThat(p.stderr()).as("stray System.out output goes to stderr").contains("stray output from a library");
        }
    }

    @Test
    void autoMtlsManagedRunServesTheAnnouncedCertificateToTheGivenClient() throws Exception {
        ServerCertificate client = Clients.goPluginClientIdentity();
        Map<String, String> env = new HashMap<>(TERRAFORM_ENV);
        env.put("PLUGIN_CLIENT_CERT", client.certificatePem());
        try (ProviderProcess p = ProviderProcess.start(ProviderProcess.javaCommand(HealthOnlyMain.class), env)) {
            String[] fields = p.readStdoutLine().split("\\|", -1);
            assertThat(fields).hasSize(6);
            X509Certificate server = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(
                            new ByteArrayInputStream(Base64.getDecoder().decode(fields[5])));
            ManagedChannel channel = Clients.mtls(Clients.address(fields[3]), Optional.of(client), server);

            assertThat(health(channel)).isEqualTo(ServingStatus.SERVING);
            shutdown(channel);
            assertThat(p.waitFor(10)).isTrue();
            assertThat(p.process.exitValue()).isZero();
            assertThat(p.remainingStdout()).isEmpty();
        }
    }

    @Test
    void debugModePrintsReattachInstructionsAndServesPlaintext() throws Exception {
        try (ProviderProcess p =
                ProviderProcess.start(ProviderProcess.javaCommand(HealthOnlyMain.class, "--debug"), Map.of())) {
            String reattach = null;
            for (int i = 0; i < 20 && reattach == null; i++) {
                String line = p.readStdoutLine();
                assertThat(line).isNotNull();
                if (line.startsWith("TF_REATTACH_PROVIDERS='")) {
                    reattach = line.substring("TF_REATTACH_PROVIDERS='".length(), line.length() - 1);
                }
            }
            Map<String, String> json = PluginServerTest.flatten(reattach);
            assertThat(json)
                    .containsEntry("example.com/tfjvm/healthonly.Pid", String.valueOf(p.process.pid()))
                    .containsEntry("example.com/tfjvm/healthonly.Test", "true");
            String address = json.get("example.com/tfjvm/healthonly.Addr.String");
            ManagedChannel channel = Clients.plaintext(Clients.address(address));
            assertThat(health(channel)).isEqualTo(ServingStatus.SERVING);
            channel.shutdownNow();

            p.signal("INT");
            assertThat(p.waitFor(10)).as("Ctrl-C ends a debug-mode provider").isTrue();
        }
    }

    @Test
    void cdsTrainingRunsTheStartupPathAndExitsWithCleanStdout() throws Exception {
        try (ProviderProcess p =
                ProviderProcess.start(ProviderProcess.javaCommand(HealthOnlyMain.class, "--cds-training"), Map.of())) {
            assertThat(p.waitFor(60)).isTrue();
            assertThat(p.process.exitValue()).as(p.stderr()).isZero();
            assertThat(p.remainingStdout()).isEmpty();
        }
    }

    @Test
    void theProviderStopsWhenTerraformDiesWithoutAShutdown() throws Exception {
        Map<String, String> env = new HashMap<>(TERRAFORM_ENV);
        env.put("TF_DISABLE_PLUGIN_TLS", "1");
        // A shell stands in for Terraform: the provider is its child, and it is killed with -9.
        List<String> command = new java.util.ArrayList<>(List.of("sh", "-c", "\"$@\" & wait", "terraform"));
        command.addAll(ProviderProcess.javaCommand(HealthOnlyMain.class));
        try (ProviderProcess terraform = ProviderProcess.start(command, env)) {
            assertThat(terraform.readStdoutLine()).startsWith("1|6|tcp|");
            ProcessHandle provider =
                    terraform.process.toHandle().children().findFirst().orElseThrow();
            terraform.process.destroyForcibly();
            assertThat(provider.onExit().get(30, TimeUnit.SECONDS).isAlive())
                    .as("the orphaned provider exits")
                    .isFalse();
        }
    }
}
