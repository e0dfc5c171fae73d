package dev.multikernel.sim.ssh;

import dev.multikernel.sim.kernel.KernelModel;
import dev.multikernel.sim.protocol.KernelSocketServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Map;

/**
 * One simulated multikernel host: a kernel model, the unix socket that {@code mkctl} reaches it through,
 * and an SSH server whose commands run with {@code MKCTL_SIM_SOCKET} pointing at that socket.
 *
 * <p>Layout of the host's state directory (everything survives a restart):
 * <pre>
 *   ssh_host_ed25519_key(.pub)   host key: known_hosts entries stay valid across restarts
 *   kernel/                      the kernel model's persisted state
 *   kernel.sock                  the kernel socket (while running)
 *   home/&lt;user&gt;/                 each user's home: working directory of commands, start of SFTP
 *   bin/sudo                     stand-in for sudo, first on PATH
 * </pre>
 */
public final class SimulatedHost implements AutoCloseable {

    /** Longest unix socket path Linux accepts (sun_path is 108 bytes including the NUL). */
    private static final int MAX_SOCKET_PATH_BYTES = 107;

    private final HostSpec spec;
    private final Path stateDir;
    private final KeyPair hostKey;
    private final KernelModel kernel;
    private final KernelSocketServer socketServer;
    private final HostSshServer ssh;

    private SimulatedHost(
            HostSpec spec,
            Path stateDir,
            KeyPair hostKey,
            KernelModel kernel,
            KernelSocketServer socketServer,
            HostSshServer ssh) {
        this.spec = spec;
        this.stateDir = stateDir;
        this.hostKey = hostKey;
        this.kernel = kernel;
        this.socketServer = socketServer;
        this.ssh = ssh;
    }

    /**
     * Starts the host with its state in {@code stateDir} (created if missing; reused if it holds an
     * earlier run of the same host). When this returns the SSH port accepts connections.
     */
    public static SimulatedHost start(HostSpec spec, Path stateDir) throws IOException {
        Path dir = stateDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path socket = dir.resolve("kernel.sock");
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new IOException("the state directory " + dir + " is too deep for a unix socket path (" + socket
                    + " is longer than " + MAX_SOCKET_PATH_BYTES + " bytes); use a shorter state directory");
        }
        KeyPair hostKey = SshKeys.loadOrCreateEd25519(dir.resolve("ssh_host_ed25519_key"), "root@" + spec.name());
        KernelModel kernel = KernelModel.open(dir.resolve("kernel"), spec.topology(), spec.generation());
        KernelSocketServer socketServer = null;
        try {
            socketServer = KernelSocketServer.start(kernel, socket);
            SshHostConfig config = new SshHostConfig(
                    spec.name(),
                    spec.port(),
                    hostKey,
                    spec.users(),
                    spec.authorizedKeys(),
                    dir.resolve("home"),
                    dir.resolve("bin"),
                    Map.of("MKCTL_SIM_SOCKET", socketServer.socketPath().toString()));
            HostSshServer ssh = HostSshServer.start(config);
            return new SimulatedHost(spec, dir, hostKey, kernel, socketServer, ssh);
        } catch (IOException | RuntimeException e) {
            if (socketServer != null) {
                socketServer.close();
            }
            kernel.close();
            throw e;
        }
    }

    public String name() {
        return spec.name();
    }

    public HostSpec spec() {
        return spec;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** 127.0.0.1 and the SSH port. */
    public InetSocketAddress address() {
        return ssh.address();
    }

    public int port() {
        return ssh.address().getPort();
    }

    public PublicKey hostPublicKey() {
        return hostKey.getPublic();
    }

    /** The host key's fingerprint as {@code ssh} prints it ({@code SHA256:...}). */
    public String hostKeyFingerprint() {
        return SshKeys.fingerprint(hostKey.getPublic());
    }

    /** This host's line for an OpenSSH known_hosts file: {@code [127.0.0.1]:PORT ssh-ed25519 AAAA...}. */
    public String knownHostsLine() {
        return "[127.0.0.1]:" + port() + " " + SshKeys.publicKeyLine(hostKey.getPublic(), "");
    }

    /** The socket {@code mkctl} talks to (the value of {@code MKCTL_SIM_SOCKET} in SSH sessions). */
    public Path kernelSocket() {
        return socketServer.socketPath();
    }

    public KernelModel kernel() {
        return kernel;
    }

    public SshFaults sshFaults() {
        return ssh.faults();
    }

    /** A user's home directory on this machine (where SFTP starts and commands run). */
    public Path homeOf(String user) {
        return ssh.config().homeOf(user);
    }

    /** SSH exec requests this host has run as commands since it started (an mkctl session is one). */
    public long execs() {
        return ssh.execs();
    }

    /** Open SSH connections. */
    public int sshConnections() {
        return ssh.activeConnections();
    }

    /**
     * Reboots the whole simulated host: every SSH connection is cut (with the processes it started) and
     * the kernel comes back with a new boot id.
     *
     * @return the new boot id
     */
    public String reboot() {
        ssh.faults().dropAllConnections();
        kernel.rebootHost();
        return kernel.bootId();
    }

    /** Stops SSH (killing its processes), then the kernel socket, then the kernel model. */
    @Override
    public void close() throws IOException {
        try {
            ssh.close();
        } finally {
            try {
                socketServer.close();
            } finally {
                kernel.close();
            }
        }
    }
}
