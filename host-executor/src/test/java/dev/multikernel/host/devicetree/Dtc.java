package dev.multikernel.host.devicetree;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Debian device-tree-compiler tools (dtc, fdtdump, fdtoverlay) for cross-checks. A
 * missing tool fails the test with instructions rather than skipping it.
 */
public final class Dtc {
    private Dtc() {}

    /** Result of one process run. */
    public record Run(int exitCode, byte[] stdout, String stderr) {
        public String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    private static String tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError(name + " not found on PATH; install the Debian package"
                + " device-tree-compiler (apt-get install device-tree-compiler), which the test script"
                + " installs on fresh machines");
    }

    public static Run run(byte[] stdin, String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.set(0, tool(cmd.get(0)));
        try {
            Path in = Files.createTempFile("dtc-in", ".bin");
            Path out = Files.createTempFile("dtc-out", ".bin");
            Path err = Files.createTempFile("dtc-err", ".txt");
            try {
                Files.write(in, stdin);
                Process p = new ProcessBuilder(cmd)
                        .redirectInput(in.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + cmd);
                }
                return new Run(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Run ok(Run r, String what) {
        if (r.exitCode() != 0) {
            throw new AssertionError(what + " failed with exit " + r.exitCode() + ": " + r.stderr());
        }
        return r;
    }

    /** {@code dtc -I dts -O dtb} (with {@code -@} if asked) of {@code source}. */
    public static byte[] compile(String source, String... extraArgs) {
        List<String> cmd = new ArrayList<>(List.of("dtc", "-q", "-I", "dts", "-O", "dtb"));
        cmd.addAll(List.of(extraArgs));
        cmd.add("-");
        return ok(run(source.getBytes(StandardCharsets.UTF_8), cmd.toArray(String[]::new)), "dtc -I dts -O dtb")
                .stdout();
    }

    /** {@code dtc -I dtb -O dts} of {@code blob}. */
    public static String decompile(byte[] blob) {
        return ok(run(blob, "dtc", "-q", "-I", "dtb", "-O", "dts", "-"), "dtc -I dtb -O dts")
                .text();
    }

    /** {@code dtc -I dtb -O dtb} (dtc re-layout of a blob). */
    public static byte[] recompileBlob(byte[] blob) {
        return ok(run(blob, "dtc", "-q", "-I", "dtb", "-O", "dtb", "-"), "dtc -I dtb -O dtb")
                .stdout();
    }

    /** {@code fdtdump} of {@code blob}. */
    public static Run fdtdump(byte[] blob) {
        try {
            Path f = Files.createTempFile("fdtdump", ".dtb");
            try {
                Files.write(f, blob);
                return run(new byte[0], "fdtdump", f.toString());
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code fdtoverlay -i base -o out overlay}. */
    public static byte[] fdtoverlay(byte[] base, byte[] overlay) {
        try {
            Path dir = Files.createTempDirectory("fdtoverlay");
            try {
                Path b = dir.resolve("base.dtb");
                Path o = dir.resolve("overlay.dtbo");
                Path out = dir.resolve("out.dtb");
                Files.write(b, base);
                Files.write(o, overlay);
                ok(
                        run(new byte[0], "fdtoverlay", "-i", b.toString(), "-o", out.toString(), o.toString()),
                        "fdtoverlay");
                return Files.readAllBytes(out);
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
