package dev.tfjvm.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tfjvm.plugin.Clients;
import dev.tfjvm.proto.goplugin.GRPCControllerGrpc;
import dev.tfjvm.proto.goplugin.GrpcControllerProto;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native launcher run the way Terraform runs it, against the real provider daemon: the
 * handshake, mTLS with the launch's client certificate, sessions, their ends, the daemon's
 * exits, the peer check and the one-line errors Terraform shows.
 */
class NativeLauncherTest {
    @TempDir
    Path temp;

    private Launches launches;

    @BeforeEach
    void install() throws Exception {
        launches = new Launches(temp);
    }

    @AfterEach
    void stopDaemons() throws Exception {
        launches.close();
        assertThat(launches.daemons()).as("no daemon of this test is left").isEmpty();
    }

    /** A served launch: its handshake parsed. */
    private record Served(Launches.Launch launch, InetSocketAddress address, X509Certificate server) {}

    private Served serve(Map<String, String> env) throws Exception {
        Launches.Launch launch = launches.start(env);
        String line = launch.stdout.readLine();
        assertThat(line).as(launch.stderr() + launches.daemonLog()).isNotNull().startsWith("1|6|tcp|127.0.0.1:");
        String[] fields = line.split("\\|");
        X509Certificate server = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(
                        new ByteArrayInputStream(Base64.getDecoder().decode(fields[5])));
        return new Served(launch, Clients.address(fields[3]), server);
    }

    private HealthCheckResponse.ServingStatus health(Served s) throws Exception {
        ManagedChannel channel = Clients.mtls(s.address(), Optional.of(launches.client), s.server());
        try {
            return HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("plugin").build())
                    .getStatus();
        } finally {
            channel.shutdownNow();
        }
    }

    private int shutdown(Served s) throws Exception {
        ManagedChannel channel = Clients.mtls(s.address(), Optional.of(launches.client), s.server());
        try {
            GRPCControllerGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(20, TimeUnit.SECONDS)
                    .shutdown(GrpcControllerProto.Empty.getDefaultInstance());
        } finally {
            channel.shutdownNow();
        }
        assertThat(s.launch().process.waitFor(10, TimeUnit.SECONDS))
                .as("launcher exits after Shutdown")
                .isTrue();
        return s.launch().process.exitValue();
    }

    private static boolean listening(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aLaunchIsServedByTheDaemonWhichStaysForTheNextLaunch() throws Exception {
        Served first = serve(Map.of());
        assertThat(health(first)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(shutdown(first)).isZero();
        assertThat(first.launch().stderr())
                .as("the session's log lines reach the launcher's stderr")
                .contains("\"@message\":\"shutdown requested by the plugin client\"")
                .contains("stray output from a library");
        List<ProcessHandle> daemons = launches.daemons();
        assertThat(daemons).hasSize(1);

        Served second = serve(Map.of());
        assertThat(health(second)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(shutdown(second)).isZero();
        assertThat(launches.daemons()).as("the same daemon").containsExactlyElementsOf(daemons);
        assertThat(Files.getPosixFilePermissions(launches.socketDir))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void concurrentLaunchesGetTheirOwnServersAndShutdownEndsOnlyOne() throws Exception {
        Served a = serve(Map.of());
        Served b = serve(Map.of());
        assertThat(a.address()).isNotEqualTo(b.address());
        assertThat(a.server()).isNotEqualTo(b.server());
        assertThat(shutdown(a)).isZero();
        assertThat(health(b)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(listening(a.address())).isFalse();
        assertThat(shutdown(b)).isZero();
    }

    @Test
    void aKilledLauncherEndsItsSession() throws Exception {
        Served s = serve(Map.of());
        s.launch().process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(Launches.eventually(() -> !listening(s.address()), 10))
                .as("the session's port is closed")
                .isTrue();
        assertThat(Launches.eventually(
                        () -> log().contains("\"@message\":\"session ended\",\"@module\":\"provider.daemon\""), 10))
                .isTrue();
    }

    @Test
    void terraformGoneEndsTheSession() throws Exception {
        Served s = serve(Map.of());
        // Terraform killed with SIGKILL: nobody reads the launcher's stdout and stderr any more.
        s.launch().process.getInputStream().close();
        s.launch().process.getErrorStream().close();
        assertThat(s.launch().process.waitFor(10, TimeUnit.SECONDS))
                .as("the launcher notices")
                .isTrue();
        assertThat(Launches.eventually(() -> !listening(s.address()), 10)).isTrue();
    }

    @Test
    void theDaemonExitsWhenIdle() throws Exception {
        Served s = serve(Map.of("TF_JVM_DAEMON_IDLE", "1s"));
        assertThat(shutdown(s)).isZero();
        assertThat(Launches.eventually(() -> launches.daemons().isEmpty(), 15))
                .as(log())
                .isTrue();
        assertThat(launches.sockets()).isEmpty();
        assertThat(log()).contains("provider daemon idle; exiting");
    }

    @Test
    void theDaemonExitsWhenItsJarIsReplaced() throws Exception {
        Served s = serve(Map.of());
        assertThat(shutdown(s)).isZero();
        assertThat(launches.daemons()).hasSize(1);
        Path jar = launches.installed.jar();
        Path rebuilt = Files.copy(jar, jar.resolveSibling("rebuilt.tmp"));
        Files.move(rebuilt, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(Launches.eventually(() -> launches.daemons().isEmpty(), 15))
                .as(log())
                .isTrue();
        assertThat(log()).contains("the provider jar was replaced");

        Served next = serve(Map.of());
        assertThat(shutdown(next)).as("a new daemon serves the new jar").isZero();
    }

    @Test
    void anotherUserCannotUseTheDaemon() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create a second user");
        String user = "tfjvm-peer-test";
        run("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
        Served s = serve(Map.of());
        assertThat(shutdown(s)).isZero();
        Path socket = launches.sockets().get(0);
        // Open the directory and socket up, as a careless chmod would: SO_PEERCRED still refuses.
        Files.setPosixFilePermissions(launches.socketDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path client = Files.writeString(temp.resolve("Peer.java"), PEER_CLIENT);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        String other = run("runuser", "-u", user, "--", java, client.toString(), socket.toString());
        String self = run(java, client.toString(), socket.toString());

        assertThat(self).as("the daemon's own user gets a handshake").startsWith("H 1|6|tcp|127.0.0.1:");
        assertThat(other).as("another user gets nothing").startsWith("closed");
        assertThat(log()).contains("refused a connection from another user");
    }

    @Test
    void withoutJavaTheLauncherPrintsOneLineOnStdout() throws Exception {
        Launches.Launch launch = launches.start(
                launches.installed.launcher(),
                temp.toFile(),
                Map.of("PATH", "/nonexistent"),
                List.of("JAVA_HOME", "TF_JVM_JAVA"));
        assertThat(launch.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(launch.process.exitValue()).isEqualTo(1);
        String out = new String(launch.process.getInputStream().readAllBytes());
        assertThat(out)
                .isEqualTo("terraform-provider-healthonly 0.1.0 cannot start: no Java found; it needs Java 17 or "
                        + "newer: install one, or set JAVA_HOME or TF_JVM_JAVA\n");
    }

    @Test
    void javaOlderThan17IsNamedInOneLine() throws Exception {
        Path jdk = Files.createDirectories(temp.resolve("old-jdk/bin"));
        Path java = Files.writeString(jdk.resolve("java"), "#!/bin/sh\necho java 11 >&2\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(temp.resolve("old-jdk/release"), "JAVA_VERSION=\"11.0.2\"\n");
        Launches.Launch launch = launches.start(
                launches.installed.launcher(), temp.toFile(), Map.of("TF_JVM_JAVA", java.toString()), List.of());
        assertThat(launch.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String out = new String(launch.process.getInputStream().readAllBytes());
        assertThat(launch.process.exitValue()).isEqualTo(1);
        assertThat(out)
                .matches("terraform-provider-healthonly 0.1.0 cannot start: \\S+/old-jdk/bin/java is Java 11, it "
                        + "needs Java 17 or newer: install one, or set JAVA_HOME or TF_JVM_JAVA\n");
    }

    @Test
    void aDaemonThatCannotStartIsOneLineOnStdout() throws Exception {
        Files.writeString(launches.installed.jar(), "not a jar");
        Launches.Launch launch = launches.start(Map.of());
        assertThat(launch.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(launch.process.getInputStream().readAllBytes());
        assertThat(launch.process.exitValue()).isEqualTo(1);
        assertThat(out)
                .as(launch.stderr())
                .startsWith("terraform-provider-healthonly 0.1.0 cannot start: the provider daemon did not start: ")
                .contains("TF_JVM_DAEMON=off")
                .endsWith("\n")
                .hasLineCount(1);
    }

    @Test
    void daemonOffRunsTheJvmDirectly() throws Exception {
        Served s = serve(Map.of("TF_JVM_DAEMON", "off"));
        assertThat(health(s)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(shutdown(s)).isZero();
        assertThat(launches.sockets()).isEmpty();
        assertThat(launches.daemons()).isEmpty();
    }

    private String log() {
        try {
            return launches.daemonLog();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** A launcher stand-in: sends a launch request, prints the first frame past the log lines, or "closed". */
    private static final String PEER_CLIENT = """
            import java.net.*; import java.nio.*; import java.nio.channels.*; import java.nio.file.*;
            public class Peer {
                public static void main(String[] a) throws Exception {
                    try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(Path.of(a[0])))) {
                        String env = "tfjvm-launch-1\\0/\\0TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2\\0";
                        byte[] p = env.getBytes();
                        ByteBuffer out = ByteBuffer.allocate(5 + p.length).put((byte) 'R').putInt(p.length).put(p).flip();
                        while (out.hasRemaining()) c.write(out);
                        while (true) {
                            ByteBuffer h = ByteBuffer.allocate(5);
                            while (h.hasRemaining()) if (c.read(h) < 0) { System.out.println("closed"); return; }
                            h.flip(); byte t = h.get(); ByteBuffer body = ByteBuffer.allocate(h.getInt());
                            while (body.hasRemaining()) if (c.read(body) < 0) break;
                            if (t != 'L') { System.out.println((char) t + " " + new String(body.array())); return; }
                        }
                    } catch (java.io.IOException e) {
                        System.out.println("closed " + e.getMessage());
                    }
                }
            }
            """;
}
