package dev.multikernel.host.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs local programs for test setup; a failure is a test failure with the program's output. */
final class Cmd {

    private Cmd() {}

    record Result(int status, String out) {}

    static Result run(List<String> argv, Map<String, String> env, String stdin) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + argv);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(
                    "cannot run " + argv + ": " + e.getMessage()
                            + " (scripts/install-test-deps.sh installs what the tests need)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String ok(String... argv) {
        return ok(List.of(argv), Map.of(), null);
    }

    static String ok(List<String> argv, Map<String, String> env, String stdin) {
        Result r = run(argv, env, stdin);
        if (r.status() != 0) {
            throw new AssertionError(
                    "test setup failed: " + String.join(" ", argv) + " exited " + r.status() + ":\n" + r.out());
        }
        return r.out();
    }

    static void chmod(Path p, String mode) {
        ok("chmod", mode, p.toString());
    }
}
