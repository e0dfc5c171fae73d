package dev.multikernel.sim.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's OpenSSH clients ({@code ssh}, {@code scp}, {@code sftp}) as processes, with nothing but
 * the given key and known_hosts file: no user config, no agent, strict host key checking.
 */
public final class OpenSshClient {

    /** What a finished client process produced. */
    public record Result(int exitCode, byte[] stdoutBytes, String stderr) {
        public String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }
    }

    private final Path privateKey;
    private final Path knownHosts;

    public OpenSshClient(Path privateKey, Path knownHosts) {
        this.privateKey = privateKey;
        this.knownHosts = knownHosts;
    }

    /** Options every client gets: only our key, only our known_hosts, never a prompt. */
    public List<String> commonOptions() {
        return List.of(
                "-F",
                "/dev/null",
                "-o",
                "StrictHostKeyChecking=yes",
                "-o",
                "UserKnownHostsFile=" + knownHosts,
                "-o",
                "GlobalKnownHostsFile=/dev/null",
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "IdentityAgent=none",
                "-o",
                "BatchMode=yes",
                "-o",
                "ConnectTimeout=20",
                "-o",
                "LogLevel=ERROR",
                "-i",
                privateKey.toString());
    }

    public Result ssh(int port, String user, String command) {
        return ssh(port, user, command, new byte[0]);
    }

    public Result ssh(int port, String user, String command, byte[] stdin) {
        List<String> argv = new ArrayList<>(List.of("ssh"));
        argv.addAll(commonOptions());
        argv.addAll(List.of("-p", Integer.toString(port), user + "@127.0.0.1", command));
        return run(argv, stdin);
    }

    /** Starts {@code ssh} without waiting for it (for sessions a test cuts). */
    public Process startSsh(int port, String user, String command) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ssh"));
        argv.addAll(commonOptions());
        argv.addAll(List.of("-p", Integer.toString(port), user + "@127.0.0.1", command));
        return new ProcessBuilder(argv)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** {@code scp [extra] local user@127.0.0.1:remote}. */
    public Result scpUpload(int port, String user, List<String> extra, Path local, String remote) {
        List<String> argv = new ArrayList<>(List.of("scp"));
        argv.addAll(commonOptions());
        argv.addAll(List.of("-P", Integer.toString(port)));
        argv.addAll(extra);
        argv.addAll(List.of(local.toString(), user + "@127.0.0.1:" + remote));
        return run(argv, new byte[0]);
    }

    /** {@code sftp -b -} with the given batch script on stdin. */
    public Result sftpBatch(int port, String user, String batch) {
        List<String> argv = new ArrayList<>(List.of("sftp"));
        argv.addAll(commonOptions());
        argv.addAll(List.of("-P", Integer.toString(port), "-b", "-", user + "@127.0.0.1"));
        return run(argv, batch.getBytes(StandardCharsets.UTF_8));
    }

    public static Result run(List<String> argv, byte[] stdin) {
        try {
            Process p = new ProcessBuilder(argv).start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // the client exited before reading its input; its exit code tells why
            }
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("client did not finish within 90 s: " + argv);
            }
            return new Result(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in;
                ByteArrayOutputStream buf = new ByteArrayOutputStream()) {
            in.transferTo(buf);
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
