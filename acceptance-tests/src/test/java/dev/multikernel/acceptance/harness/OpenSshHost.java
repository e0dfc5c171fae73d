package dev.multikernel.acceptance.harness;

import dev.multikernel.sim.kernel.HostTopology;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.kernel.KernelError;
import dev.multikernel.sim.kernel.KernelModel;
import dev.multikernel.sim.protocol.KernelSocketServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A simulated kernel behind a real OpenSSH {@code sshd} on loopback: the provider logs in with
 * OpenSSH's key exchange, authentication and exec handling, uploads mkctl into root's home as it
 * would on a real machine, and mkctl reaches the simulated kernel because sshd gives every session
 * {@code MKCTL_SIM_SOCKET} ({@code SetEnv} in sshd_config, so no session can run mkctl outside sim
 * mode). sshd runs as root (the tests do) with its own config, host key and authorized keys file;
 * nothing of the system's sshd configuration is used.
 */
public final class OpenSshHost implements AutoCloseable {
    static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Path dir;
    private final KernelModel kernel;
    private final KernelSocketServer socket;
    private final Process sshd;
    private final int port;

    private OpenSshHost(Path dir, KernelModel kernel, KernelSocketServer socket, Process sshd, int port) {
        this.dir = dir;
        this.kernel = kernel;
        this.socket = socket;
        this.sshd = sshd;
        this.port = port;
    }

    /**
     * Starts the kernel model and its socket in {@code dir} (short: unix socket path limit), then
     * sshd accepting the public key {@code clientPublicKeyLine} for root.
     */
    public static OpenSshHost start(Path dir, InterfaceGeneration generation, String clientPublicKeyLine)
            throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("a real sshd that logs in root needs the tests to run as root");
        }
        if (!Files.isExecutable(SSHD)) {
            throw new IllegalStateException(
                    SSHD + " is missing: install openssh-server (scripts/install-test-deps.sh)");
        }
        Files.createDirectories(dir);
        KernelModel kernel = KernelModel.open(dir.resolve("kernel"), HostTopology.defaults(), generation);
        KernelSocketServer socket = null;
        try {
            socket = KernelSocketServer.start(kernel, dir.resolve("kernel.sock"));
            Path hostKey = dir.resolve("ssh_host_ed25519_key");
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "openssh-host", "-f", hostKey.toString());
            Path authorized = dir.resolve("authorized_keys");
            Files.writeString(authorized, clientPublicKeyLine.strip() + "\n");
            Files.createDirectories(Path.of("/run/sshd")); // privilege separation directory
            int port = freePort();
            String config = String.join(
                    "\n",
                    "HostKey " + hostKey,
                    "ListenAddress 127.0.0.1",
                    "Port " + port,
                    "PidFile none",
                    "UsePAM no",
                    "StrictModes no",
                    "PermitRootLogin prohibit-password",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PubkeyAuthentication yes",
                    "AuthorizedKeysFile " + authorized,
                    "SetEnv MKCTL_SIM_SOCKET=" + socket.socketPath(),
                    "MaxSessions 20",
                    "MaxStartups 50:30:100",
                    "LogLevel VERBOSE",
                    "Subsystem sftp internal-sftp",
                    "");
            Path cfg = dir.resolve("sshd_config");
            Files.writeString(cfg, config);
            run(SSHD.toString(), "-t", "-f", cfg.toString());
            Process p = new ProcessBuilder(
                            SSHD.toString(),
                            "-D",
                            "-f",
                            cfg.toString(),
                            "-E",
                            dir.resolve("sshd.log").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("sshd.out").toFile())
                    .start();
            OpenSshHost host = new OpenSshHost(dir, kernel, socket, p, port);
            host.awaitListening();
            return host;
        } catch (IOException | RuntimeException e) {
            if (socket != null) {
                socket.close();
            }
            kernel.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** The {@code host} attribute value that reaches this host. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public KernelModel kernel() {
        return kernel;
    }

    /** Mounts the multikernel file system, as the host's boot would. */
    public void mount() throws KernelError {
        kernel.mount("multikernel", "/sys/fs/multikernel", "multikernel", 0, "");
    }

    /** {@code [127.0.0.1]:PORT ssh-ed25519 AAAA...}. */
    public String knownHostsLine() throws IOException {
        String[] f = Files.readString(dir.resolve("ssh_host_ed25519_key.pub"))
                .strip()
                .split(" ");
        return "[127.0.0.1]:" + port + " " + f[0] + " " + f[1];
    }

    /** sshd's log (LogLevel VERBOSE): logins, keys accepted, commands. */
    public String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** sshd processes serving connections right now. */
    public long connectionProcesses() {
        return sshd.children().count();
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!sshd.isAlive()) {
                throw new IllegalStateException("sshd exited with " + sshd.exitValue() + ": " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ie);
                }
            }
        }
        throw new IllegalStateException("sshd did not listen on port " + port + " within 10 s: " + log());
    }

    static void run(String... command) throws IOException {
        Process p =
                new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        sshd.descendants().forEach(ProcessHandle::destroyForcibly);
        sshd.destroy();
        try {
            if (!sshd.waitFor(5, TimeUnit.SECONDS)) {
                sshd.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
        kernel.close();
    }
}
