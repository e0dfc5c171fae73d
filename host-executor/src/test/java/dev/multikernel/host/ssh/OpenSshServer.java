package dev.multikernel.host.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH sshd on a free loopback port, with its own config, host keys and authorized keys.
 * Runs as root (the tests do), so it can log in other users; {@code UsePAM no}, {@code StrictModes no}.
 */
final class OpenSshServer implements AutoCloseable {

    static final Path SSHD = Path.of("/usr/sbin/sshd");
    /** The unprivileged account the tests log in as (created once, idempotently). */
    static final String USER = "mktest";
    /** A second unprivileged account that has sudo rights only with a password. */
    static final String USER_WITHOUT_SUDO = "mktest2";

    private final Path dir;
    private final int port;
    private final Process process;
    private final Path log;

    private OpenSshServer(Path dir, int port, Process process, Path log) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts sshd with host keys of the given types ("ed25519", "ecdsa", "rsa"), logging at {@code logLevel}. */
    static OpenSshServer start(String name, List<String> hostKeyTypes, String logLevel) {
        checkRoot();
        if (!Files.isExecutable(SSHD)) {
            throw new AssertionError(SSHD + " is missing: install openssh-server (scripts/install-test-deps.sh)");
        }
        try {
            Path dir = Files.createTempDirectory("mk-sshd-" + name + "-");
            // other users must reach their authorized_keys files below this directory
            Cmd.chmod(dir, "0755");
            Files.createDirectories(Path.of("/run/sshd"));
            Path auth = Files.createDirectories(dir.resolve("authorized"));
            Cmd.chmod(auth, "0755");
            List<String> hostKeyLines = new ArrayList<>();
            for (String type : hostKeyTypes) {
                Path key = dir.resolve("ssh_host_" + type + "_key");
                Cmd.ok("ssh-keygen", "-q", "-t", type, "-N", "", "-f", key.toString());
                hostKeyLines.add("HostKey " + key);
            }
            int port = freePort();
            Path log = dir.resolve("sshd.log");
            String config = String.join("\n", hostKeyLines) + "\n"
                    + "ListenAddress 127.0.0.1\n"
                    + "Port " + port + "\n"
                    + "PidFile none\n"
                    + "UsePAM no\n"
                    + "StrictModes no\n"
                    + "PermitRootLogin yes\n"
                    + "PasswordAuthentication yes\n"
                    + "KbdInteractiveAuthentication no\n"
                    + "AuthorizedKeysFile " + auth + "/%u\n"
                    + "AllowTcpForwarding yes\n"
                    + "MaxSessions 10\n"
                    + "MaxStartups 50:30:100\n"
                    + "LogLevel " + logLevel + "\n"
                    + "Subsystem sftp internal-sftp\n";
            Path cfg = dir.resolve("sshd_config");
            Files.writeString(cfg, config);
            Cmd.ok(SSHD.toString(), "-t", "-f", cfg.toString());
            Process p = new ProcessBuilder(SSHD.toString(), "-D", "-f", cfg.toString(), "-E", log.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("sshd.out").toFile())
                    .start();
            OpenSshServer server = new OpenSshServer(dir, port, p, log);
            server.awaitListening();
            return server;
        } catch (IOException e) {
            throw new AssertionError("cannot start sshd: " + e.getMessage(), e);
        }
    }

    static OpenSshServer start(String name) {
        return start(name, List.of("ed25519", "ecdsa", "rsa"), "INFO");
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("sshd exited with " + process.exitValue() + ": " + logText());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                sleep(50);
            }
        }
        throw new AssertionError("sshd did not listen on port " + port + " within 10 s: " + logText());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void checkRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError(
                    "the OpenSSH tests start sshd and create users: run them as root " + "(as the CI does)");
        }
    }

    /** Creates the test users once (idempotent): {@link #USER} with passwordless sudo for some programs. */
    static synchronized void ensureUsers() {
        checkRoot();
        for (String user : List.of(USER, USER_WITHOUT_SUDO)) {
            if (Cmd.run(List.of("id", "-u", user), java.util.Map.of(), null).status() != 0) {
                Cmd.ok("useradd", "-m", "-s", "/bin/sh", user);
            }
            // a known password, so sudo has something to ask for and password login can be tested
            Cmd.ok(List.of("chpasswd"), java.util.Map.of(), user + ":" + user + "-pw\n");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/sudo"))) {
            throw new AssertionError("sudo is not installed: apt-get install sudo (scripts/install-test-deps.sh)");
        }
        try {
            Path dropIn = Path.of("/etc/sudoers.d/multikernel-test");
            String rules = USER + " ALL=(root) NOPASSWD: /usr/bin/id, /usr/bin/cat\n" + USER_WITHOUT_SUDO
                    + " ALL=(root) ALL\n";
            if (!Files.exists(dropIn) || !Files.readString(dropIn).equals(rules)) {
                Path tmp = Files.createTempFile("sudoers", "");
                Files.writeString(tmp, rules);
                Cmd.ok("visudo", "-c", "-f", tmp.toString());
                Cmd.ok("install", "-m", "0440", tmp.toString(), dropIn.toString());
                Files.delete(tmp);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot write the sudoers drop-in: " + e.getMessage(), e);
        }
    }

    /** Lets {@code user} log in with the key whose private half is {@code privateKey}. */
    void authorize(String user, Path privateKey) {
        try {
            Path file = dir.resolve("authorized").resolve(user);
            String line = TestKeys.publicLine(privateKey) + "\n";
            Files.writeString(
                    file,
                    line,
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            Cmd.chmod(file, "0644");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    Path hostKey(String type) {
        return dir.resolve("ssh_host_" + type + "_key");
    }

    /** {@code [127.0.0.1]:PORT ssh-ed25519 AAAA...} for each host key. */
    String knownHostsLines() {
        StringBuilder b = new StringBuilder();
        for (String type : List.of("ed25519", "ecdsa", "rsa")) {
            Path pub = Path.of(hostKey(type) + ".pub");
            if (Files.exists(pub)) {
                String[] f = TestKeys.publicLine(hostKey(type)).split(" ");
                b.append("[127.0.0.1]:")
                        .append(port)
                        .append(' ')
                        .append(f[0])
                        .append(' ')
                        .append(f[1])
                        .append('\n');
            }
        }
        return b.toString();
    }

    String fingerprint(String type) {
        return TestKeys.fingerprintOf(Path.of(hostKey(type) + ".pub"));
    }

    /** The per-connection sshd processes (children of the listener). */
    List<Long> connectionPids() {
        return process.children().map(ProcessHandle::pid).toList();
    }

    /** Kills every process serving a connection (and what they started): the connections break. */
    void killConnections() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        process.children().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Cmd.run(List.of("rm", "-rf", dir.toString()), java.util.Map.of(), null);
    }
}
