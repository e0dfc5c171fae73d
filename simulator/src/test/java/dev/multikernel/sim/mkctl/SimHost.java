package dev.multikernel.sim.mkctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.multikernel.sim.kernel.HostTopology;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.kernel.KernelModel;
import dev.multikernel.sim.protocol.KernelSocketServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A simulated multikernel host (kernel model + socket server) and the real mkctl binary, taken
 * from the host-executor jar, run against it in sim mode. With {@code -Dmkctl.arch=aarch64} the
 * aarch64 binary runs, under qemu-user (the build runs these tests once per architecture).
 */
final class SimHost implements AutoCloseable {
    static final String MK = "/sys/fs/multikernel";
    static final String ARCH = System.getProperty("mkctl.arch", "x86_64");
    static final String RESOURCE = "dev/multikernel/host/mkctl/mkctl-linux-" + ARCH;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path binary;

    final Path dir;
    final KernelModel kernel;
    final KernelSocketServer server;

    private SimHost(Path dir, KernelModel kernel, KernelSocketServer server) {
        this.dir = dir;
        this.kernel = kernel;
        this.server = server;
    }

    static SimHost start(Path dir, InterfaceGeneration generation) throws IOException {
        KernelModel k = KernelModel.open(dir.resolve("state"), HostTopology.defaults(), generation);
        return new SimHost(dir, k, KernelSocketServer.start(k, dir.resolve("mk.sock")));
    }

    /** The binary embedded in host-executor (a file in target/classes, or copied out of the jar). */
    static synchronized Path binary() {
        if (binary != null) {
            return binary;
        }
        URL url = SimHost.class.getClassLoader().getResource(RESOURCE);
        assertThat(url)
                .as("mkctl for " + ARCH + " embedded in the host-executor jar (for aarch64 the build needs "
                        + "gcc-aarch64-linux-gnu: scripts/install-test-deps.sh installs it)")
                .isNotNull();
        try {
            Path out = Files.createTempDirectory("mkctl-bin").resolve("mkctl");
            try (InputStream in = url.openStream()) {
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwx------"));
            out.toFile().deleteOnExit();
            out.getParent().toFile().deleteOnExit();
            binary = out;
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Nothing for this machine's architecture; qemu-user for another one. */
    static List<String> emulator() {
        String machine = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        if (ARCH.equals(machine)) {
            return List.of();
        }
        for (String name : List.of("qemu-" + ARCH + "-static", "qemu-" + ARCH)) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return List.of(Path.of(dir, name).toString());
                }
            }
        }
        throw new AssertionError("qemu-" + ARCH + "-static is not on the PATH: install qemu-user-static "
                + "(scripts/install-test-deps.sh does)");
    }

    record Result(int exitCode, String stdout, String stderr) {
        JsonNode json() {
            assertThat(stdout).as("stdout (stderr: %s)", stderr).endsWith("\n");
            assertThat(stdout.substring(0, stdout.length() - 1)).doesNotContain("\n");
            try {
                JsonNode n = JSON.readTree(stdout);
                assertThat(n.isObject()).isTrue();
                return n;
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + stdout, e);
            }
        }

        JsonNode ok() {
            assertThat(exitCode)
                    .as("exit code; stdout: %s stderr: %s", stdout, stderr)
                    .isZero();
            JsonNode j = json();
            assertThat(j.has("error")).isFalse();
            return j;
        }

        JsonNode error(int expectedExit) {
            assertThat(exitCode).as("exit code; stdout: %s", stdout).isEqualTo(expectedExit);
            JsonNode e = json().get("error");
            assertThat(e).as("error object in %s", stdout).isNotNull();
            for (String k : List.of("operation", "kind", "errno", "errno_number", "call", "path", "message")) {
                assertThat(e.has(k)).as("error has %s: %s", k, e).isTrue();
            }
            return e;
        }
    }

    Result mkctl(byte[] stdin, String... args) {
        return mkctl(stdin, Map.of(), List.of(args));
    }

    Result mkctl(String... args) {
        return mkctl(new byte[0], args);
    }

    Result mkctl(byte[] stdin, Map<String, String> extraEnv, List<String> args) {
        return mkctlIn(dir, stdin, extraEnv, args);
    }

    /** Runs mkctl with the given working directory. */
    Result mkctlIn(Path cwd, byte[] stdin, Map<String, String> extraEnv, List<String> args) {
        List<String> argv = new ArrayList<>(emulator());
        argv.add(binary().toString());
        argv.addAll(args);
        try {
            Path out = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            Path in = Files.write(Files.createTempFile(dir, "in", ".bin"), stdin);
            ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
            pb.environment().put("MKCTL_SIM_SOCKET", server.socketPath().toString());
            pb.environment().putAll(extraEnv);
            pb.redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("mkctl did not finish within 60 s: " + argv);
            }
            Result r = new Result(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            Files.delete(in);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code mkctl state}, which must succeed. */
    JsonNode state() {
        return mkctl("state").ok();
    }

    /** The instance named in {@code state}, or null. */
    static JsonNode instance(JsonNode state, String name) {
        for (JsonNode i : state.get("instances")) {
            if (i.get("name").asText().equals(name)) {
                return i;
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.close();
        kernel.close();
    }
}
