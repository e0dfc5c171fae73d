package dev.multikernel.host.mkctl.native_;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the mkctl binary embedded in this module's classes (the build step of docs/mkctl.md
 * puts it there) as a process and captures what it prints.
 */
final class Mkctl {
    static final String RESOURCE = "dev/multikernel/host/mkctl/mkctl-linux-x86_64";
    private static final long TIMEOUT_SECONDS = 60;

    private Mkctl() {}

    /** The embedded binary, as a file in target/classes. */
    static Path binary() {
        URL url = Mkctl.class.getClassLoader().getResource(RESOURCE);
        assertThat(url)
                .as("class-path resource %s (built by make -C native embed)", RESOURCE)
                .isNotNull();
        assertThat(url.getProtocol()).isEqualTo("file");
        try {
            Path p = Path.of(url.toURI());
            assertThat(Files.isExecutable(p)).as("%s is executable", p).isTrue();
            return p;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What one run printed. */
    record Result(int exitCode, String stdout, String stderr) {
        /** stdout must be exactly one JSON object and a newline (the contract's first rule). */
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            assertThat(stdout).as("stdout (stderr: %s)", stderr).endsWith("\n");
            assertThat(stdout.substring(0, stdout.length() - 1)).doesNotContain("\n");
            Object v = MiniJson.parse(stdout.trim());
            assertThat(v).isInstanceOf(Map.class);
            return (Map<String, Object>) v;
        }

        /** The error object; asserts the run failed with that exit code. */
        @SuppressWarnings("unchecked")
        Map<String, Object> error(int expectedExit) {
            assertThat(exitCode).as("exit code; stdout: %s", stdout).isEqualTo(expectedExit);
            Map<String, Object> j = json();
            assertThat(j).containsKey("error");
            Map<String, Object> e = (Map<String, Object>) j.get("error");
            assertThat(e).containsKeys("operation", "kind", "errno", "errno_number", "call", "path", "message");
            return e;
        }

        /** The success object; asserts exit 0. */
        Map<String, Object> ok() {
            assertThat(exitCode)
                    .as("exit code; stdout: %s stderr: %s", stdout, stderr)
                    .isZero();
            Map<String, Object> j = json();
            assertThat(j).doesNotContainKey("error");
            return j;
        }
    }

    /** Runs a full argv (the first element is the program) with the given stdin and environment. */
    static Result exec(List<String> argv, byte[] stdin, Map<String, String> env)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("mkctl-out", ".txt");
        Path err = Files.createTempFile("mkctl-err", ".txt");
        Path in = Files.createTempFile("mkctl-in", ".bin");
        try {
            Files.write(in, stdin);
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().remove("MKCTL_SIM_SOCKET");
            pb.environment().putAll(env);
            pb.redirectInput(in.toFile());
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                throw new AssertionError("mkctl did not finish within " + TIMEOUT_SECONDS + " s: " + argv);
            }
            return new Result(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(in);
        }
    }

    /**
     * Runs mkctl WITHOUT strace. Only for subcommands that make no mount, kexec_file_load or
     * reboot call; the others go through {@link Strace}.
     */
    static Result run(List<String> args, byte[] stdin) throws IOException, InterruptedException {
        return run(args, stdin, Map.of());
    }

    static Result run(List<String> args, byte[] stdin, Map<String, String> env)
            throws IOException, InterruptedException {
        for (String a : args) {
            assertThat(a).as("dangerous subcommands must run under Strace").isNotIn(Strace.DANGEROUS);
            if (a.equals("batch")) {
                assertThat(new String(stdin, StandardCharsets.UTF_8))
                        .as("a batch with dangerous operations must run under Strace")
                        .doesNotContain("\"load\"", "\"unload\"", "\"exec\"", "\"halt\"", "\"mount\"");
            }
        }
        List<String> argv = new ArrayList<>();
        argv.add(binary().toString());
        argv.addAll(args);
        return exec(argv, stdin, env);
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(List.of(args), new byte[0]);
    }
}
