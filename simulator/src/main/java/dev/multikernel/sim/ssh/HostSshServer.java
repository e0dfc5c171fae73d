package dev.multikernel.sim.ssh;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * The SSH server of one simulated host, on 127.0.0.1: public-key authentication only, exec and shell
 * requests run as real {@code /bin/sh} processes on this machine, SFTP on this machine's real file
 * system starting in the user's home directory.
 */
public final class HostSshServer implements AutoCloseable {

    private final SshHostConfig config;
    private final FaultableServer sshd;
    private final SshFaults faults;
    private final ProcessLauncher launcher;
    private final ScheduledExecutorService timer;
    private final InetSocketAddress address;
    private ScheduledFuture<?> reopen;
    private boolean refusing;
    private boolean closed;

    private HostSshServer(SshHostConfig config) throws IOException {
        this.config = config;
        for (String user : config.users()) {
            Files.createDirectories(config.homeOf(user));
        }
        ProcessLauncher.installSudo(config.binDir());
        this.faults = new SshFaults(new FaultTarget());
        this.launcher = new ProcessLauncher(config);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sim-ssh-timer-" + config.hostName());
            t.setDaemon(true);
            return t;
        });
        this.sshd = (FaultableServer)
                ServerBuilder.builder().factory(FaultableServer::new).build();
        sshd.setHost("127.0.0.1");
        sshd.setPort(config.port());
        sshd.setKeyPairProvider(KeyPairProvider.wrap(config.hostKey()));
        List<PublicKey> accepted = config.authorizedKeys();
        sshd.setPublickeyAuthenticator((user, key, session) ->
                config.users().contains(user) && accepted.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);
        sshd.setCommandFactory((channel, command) -> launcher.exec(channel, command, faults));
        sshd.setShellFactory(channel -> launcher.shell(channel, faults));
        sshd.setFileSystemFactory(new HomeFileSystemFactory());
        sshd.setSubsystemFactories(List.of(new FaultAwareSftp(new SftpSubsystemFactory())));
        sshd.setSessionFactory(new FaultAwareSessionFactory(sshd));
        try {
            sshd.start();
        } catch (IOException e) {
            timer.shutdownNow();
            throw new IOException(
                    "cannot start the SSH server of simulated host '" + config.hostName()
                            + "' on 127.0.0.1:" + config.port() + " (" + e.getMessage()
                            + "); is the port in use? Pick another one or 0 for any free port",
                    e);
        }
        this.address = new InetSocketAddress("127.0.0.1", sshd.getPort());
    }

    /** Starts the server; it listens when this returns. */
    public static HostSshServer start(SshHostConfig config) throws IOException {
        return new HostSshServer(config);
    }

    /** 127.0.0.1 and the port the server listens on. */
    public InetSocketAddress address() {
        return address;
    }

    /** SSH-level fault injection for this host. */
    public SshFaults faults() {
        return faults;
    }

    /** Open SSH connections (authenticated or not). */
    public int activeConnections() {
        return sshd.getActiveSessions().size();
    }

    /** Exec requests this server has started as commands. */
    public long execs() {
        return launcher.execs();
    }

    public SshHostConfig config() {
        return config;
    }

    /** Stops listening, cuts every connection and kills every process started through it. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        try {
            sshd.stop(true);
        } finally {
            launcher.killAll();
        }
    }

    private final class FaultTarget implements SshFaults.Target {
        @Override
        public int dropAllConnections() {
            List<AbstractSession> sessions = List.copyOf(sshd.getActiveSessions());
            for (AbstractSession session : sessions) {
                cut(session);
            }
            return sessions.size();
        }

        @Override
        public void refuseConnections(Duration duration) {
            synchronized (HostSshServer.this) {
                if (closed) {
                    return;
                }
                if (reopen != null) {
                    reopen.cancel(false);
                }
                if (!refusing) {
                    sshd.acceptor().unbind(address);
                    refusing = true;
                }
                reopen = timer.schedule(this::acceptConnections, duration.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void acceptConnections() {
            synchronized (HostSshServer.this) {
                if (reopen != null) {
                    reopen.cancel(false);
                    reopen = null;
                }
                if (closed || !refusing) {
                    return;
                }
                try {
                    sshd.acceptor().bind(address);
                    refusing = false;
                } catch (IOException e) {
                    // Someone took the port meanwhile; try again shortly rather than lose the host.
                    reopen = timer.schedule(this::acceptConnections, 200, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /** Cuts a connection the way a network failure would: TCP close, no SSH disconnect message. */
    static void cut(Session session) {
        IoSession io = session.getIoSession();
        io.close(true);
    }

    /** Exposes the acceptor so the port can be closed and reopened without touching open sessions. */
    private static final class FaultableServer extends SshServer {
        IoAcceptor acceptor() {
            if (acceptor == null) {
                throw new IllegalStateException("server not started");
            }
            return acceptor;
        }
    }

    /** Homes on the real file system, so SFTP and exec see the same files at the same paths. */
    private final class HomeFileSystemFactory implements FileSystemFactory {
        @Override
        public Path getUserHomeDir(SessionContext session) throws IOException {
            Path home = config.homeOf(session.getUsername());
            Files.createDirectories(home);
            return home.toAbsolutePath();
        }

        @Override
        public FileSystem createFileSystem(SessionContext session) {
            return FileSystems.getDefault();
        }
    }

    /** The SFTP subsystem, with the "drop at command" fault applied when it starts. */
    private final class FaultAwareSftp implements SubsystemFactory {
        private final SftpSubsystemFactory delegate;

        FaultAwareSftp(SftpSubsystemFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public String getName() {
            return delegate.getName();
        }

        @Override
        public Command createSubsystem(ChannelSession channel) throws IOException {
            if (faults.takeCommandDrop(delegate.getName()).isPresent()) {
                cut(channel.getSession());
                throw new IOException("connection cut by fault injection");
            }
            Path home = config.homeOf(channel.getSession().getUsername()).toAbsolutePath();
            return new SftpSubsystem(channel, delegate) {
                @Override
                public void setFileSystem(FileSystem fileSystem) {
                    super.setFileSystem(fileSystem);
                    // Relative SFTP paths start in the user's home, as they do with OpenSSH.
                    defaultDir = home;
                }
            };
        }
    }

    /** Creates sessions that count their bytes when a byte-budget fault is armed for them. */
    private final class FaultAwareSessionFactory extends SessionFactory {
        FaultAwareSessionFactory(ServerFactoryManager server) {
            super(server);
        }

        @Override
        protected ServerSessionImpl doCreateSession(IoSession ioSession) throws Exception {
            long budget = faults.takeByteBudgetForNewConnection();
            if (budget < 0) {
                return super.doCreateSession(ioSession);
            }
            return new ByteBudgetSession(getServer(), ioSession, budget);
        }
    }

    /** A session cut once a number of bytes crossed it in either direction. */
    private static final class ByteBudgetSession extends ServerSessionImpl {
        private final long budget;
        private final Object counterLock = new Object();
        private long used;
        private boolean exhausted;

        ByteBudgetSession(ServerFactoryManager server, IoSession io, long budget) throws Exception {
            super(server, io);
            this.budget = budget;
            if (budget == 0) {
                exhausted = true;
                io.close(true);
            }
        }

        @Override
        public void messageReceived(Readable buffer) throws Exception {
            if (spend(buffer.available())) {
                return;
            }
            super.messageReceived(buffer);
        }

        @Override
        protected IoWriteFuture doWritePacket(Buffer buffer) throws IOException {
            if (spend(buffer.available())) {
                throw new EOFException("connection cut by fault injection");
            }
            return super.doWritePacket(buffer);
        }

        /** Counts bytes; true (and the connection cut) once the budget is used up. */
        private boolean spend(int bytes) {
            synchronized (counterLock) {
                if (exhausted) {
                    return true;
                }
                used += bytes;
                if (used < budget) {
                    return false;
                }
                exhausted = true;
            }
            getIoSession().close(true);
            return true;
        }
    }
}
