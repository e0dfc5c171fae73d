package dev.tfjvm.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code terraform} binary in one working directory, for acceptance tests of
 * providers built on the bridge. Either installs the provider from a filesystem mirror
 * ({@link #withMirror}) or talks to one already running ({@link #withReattach}).
 * Nothing reaches the network: the CLI configuration names only the local mirror.
 */
public final class TerraformCli {
    private final Path workDir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout = Duration.ofMinutes(5);

    /** What one command printed and how it exited. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public String output() {
            return stdout + stderr;
        }

        /** stderr with every run of white space folded to one space: Terraform wraps long messages. */
        public String errors() {
            return stderr.replaceAll("[\\s│]+", " ");
        }

        @Override
        public String toString() {
            return "terraform " + String.join(" ", command) + " exited " + exitCode + "\n--- stdout\n" + stdout
                    + "\n--- stderr\n" + stderr;
        }
    }

    public TerraformCli(Path workDir) {
        this.workDir = workDir;
        env.put("TF_IN_AUTOMATION", "1");
        env.put("CHECKPOINT_DISABLE", "1");
        env.put("TF_INPUT", "0");
        env.put("NO_COLOR", "1");
        // Providers with the native launcher run in a provider daemon: one of this test's own.
        env.put("TF_JVM_DAEMON_DIR", TestDaemons.newDirectory().toString());
        env.put("TF_JVM_DAEMON_IDLE", TestDaemons.IDLE);
        // An empty CLI configuration: the user's own ~/.terraformrc must not leak into tests.
        Path rc = workDir.resolve(".terraformrc");
        write(rc, "");
        env.put("TF_CLI_CONFIG_FILE", rc.toString());
    }

    public Path workDir() {
        return workDir;
    }

    /** Installs providers matching {@code include} (such as "example.com/*&#47;*") only from {@code mirror}. */
    public TerraformCli withMirror(Path mirror, String include) {
        Path rc = workDir.resolve(".terraformrc");
        write(
                rc,
                "provider_installation {\n  filesystem_mirror {\n    path    = \"" + mirror.toAbsolutePath()
                        + "\"\n    include = [\"" + include + "\"]\n  }\n}\n");
        env.put("TF_CLI_CONFIG_FILE", rc.toString());
        return this;
    }

    /** Uses a provider that is already running (debug mode); no {@code init} needed. */
    public TerraformCli withReattach(String reattachJson) {
        env.put("TF_REATTACH_PROVIDERS", reattachJson);
        return this;
    }

    public TerraformCli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public TerraformCli timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    public TerraformCli file(String name, String content) {
        write(workDir.resolve(name), content);
        return this;
    }

    public Result run(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("terraform");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> slurp(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> slurp(p.getErrorStream()));
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException(
                        "terraform " + String.join(" ", args) + " did not finish within " + timeout);
            }
            return new Result(List.of(args), p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run terraform (is it on the PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts a command without waiting for it (output to {@code output} in the working
     * directory), for tests that interrupt or kill Terraform.
     */
    public Process start(String output, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("terraform");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve(output).toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run terraform (is it on the PATH?)", e);
        }
    }

    /** Runs and fails with everything Terraform printed unless it exits with {@code expected}. */
    public Result expect(int expected, String... args) {
        Result r = run(args);
        if (r.exitCode() != expected) {
            throw new AssertionError("expected exit " + expected + " from " + r);
        }
        return r;
    }

    public String readFile(String name) {
        try {
            return Files.readString(workDir.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String slurp(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
