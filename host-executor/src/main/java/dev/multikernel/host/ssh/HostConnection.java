package dev.multikernel.host.ssh;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * The one connection to one host: connects on demand, reconnects when broken, runs commands as
 * channels on it under the host's concurrency rules.
 */
final class HostConnection {

    private final SshConnectionPool pool;
    private final Target target;
    /** Mutations take the write lock, reads the read lock: mutations run alone. */
    private final ReentrantReadWriteLock mutations = new ReentrantReadWriteLock(true);

    private final Semaphore channels;
    private final Object connectLock = new Object();
    private volatile ClientSession session;
    private ExplicitPortForwardingTracker tunnel;

    HostConnection(SshConnectionPool pool, Target target) {
        this.pool = pool;
        this.target = target;
        this.channels = new Semaphore(pool.options.maxChannelsPerHost(), true);
    }

    Target target() {
        return target;
    }

    boolean isConnected() {
        return usable(session);
    }

    ExecResult exec(ExecRequest request) throws HostException {
        long deadline = System.nanoTime() + request.timeout().toNanos();
        Lock lock = request.access() == ExecRequest.Access.MUTATE ? mutations.writeLock() : mutations.readLock();
        acquire(lock, deadline, request);
        try {
            int attempts = request.access() == ExecRequest.Access.READ ? pool.options.readAttempts() : 1;
            for (int attempt = 1; ; attempt++) {
                try {
                    return execOnce(request, deadline);
                } catch (HostException e) {
                    long backoff = pool.options.retryBackoff().toNanos();
                    if (attempt >= attempts || !e.isTransient() || deadline - System.nanoTime() <= backoff) {
                        throw e;
                    }
                    pool.retries.increment();
                    sleep(backoff, request);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    void upload(byte[] content, String remotePath, int mode, Duration timeout) throws HostException {
        ExecRequest request = ExecRequest.mutate(Uploads.command(remotePath, mode), content, timeout);
        ExecResult result = exec(request);
        if (!result.succeeded()) {
            throw new RemoteCommandException(
                    target.describe(),
                    "uploading " + content.length + " bytes to "
                            + remotePath + " on " + target.hostName() + " failed (exit status " + result.exitStatus()
                            + "): "
                            + result.stderrSummary() + ". Check that " + target.user() + " can write there and that "
                            + "the disk is not full, or configure another directory.");
        }
    }

    private void acquire(Lock lock, long deadline, ExecRequest request) throws HostException {
        try {
            if (!lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new CommandTimeoutException(
                        target.describe(),
                        "timed out after " + request.timeout()
                                + " waiting for other operations on " + target.hostName()
                                + " to finish; the command was "
                                + "not sent. Increase the timeout or reduce parallel changes to this host.",
                        request.timeout(),
                        false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(request, false);
        }
    }

    private ExecResult execOnce(ExecRequest request, long deadline) throws HostException {
        try {
            if (!channels.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new CommandTimeoutException(
                        target.describe(),
                        "timed out after " + request.timeout()
                                + ": " + pool.options.maxChannelsPerHost() + " commands were already running on "
                                + target.hostName() + "; the command was not sent",
                        request.timeout(),
                        false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(request, false);
        }
        try {
            ClientSession s = ensureSession();
            return run(s, request, deadline);
        } finally {
            channels.release();
        }
    }

    /** An exec channel for {@code line} on {@code s}; a session that cannot open one is dropped. */
    private ChannelExec execChannel(ClientSession s, String line) throws ConnectionLostException {
        try {
            return s.createExecChannel(line);
        } catch (IOException | RuntimeException e) {
            dropBroken(s);
            throw new ConnectionLostException(
                    target.describe(),
                    "the SSH connection to " + target.hostName() + " broke before the command could start: "
                            + e.getMessage(),
                    e);
        }
    }

    private ExecResult run(ClientSession s, ExecRequest request, long deadline) throws HostException {
        long started = System.nanoTime();
        String line = request.commandLine(target.usesSudo());
        ChannelExec channel = execChannel(s, line);
        BoundedSink out = new BoundedSink(pool.options.maxOutputBytes(), () -> channel.close(true));
        BoundedSink err = new BoundedSink(pool.options.maxOutputBytes(), () -> channel.close(true));
        channel.setOut(out);
        channel.setErr(err);
        channel.setIn(new ByteArrayInputStream(request.stdin()));
        pool.execs.increment();
        try {
            OpenFuture opened = channel.open();
            if (!opened.await(remainingMillis(deadline))) {
                throw timedOut(request, true);
            }
            if (!opened.isOpened()) {
                Throwable cause = opened.getException();
                if (!usable(s)) {
                    dropBroken(s);
                }
                throw new ConnectionLostException(
                        target.describe(),
                        target.hostName() + " refused to start the "
                                + "command: " + (cause == null ? "channel not opened" : cause.getMessage())
                                + (usable(s) ? " (the server may limit sessions per connection: MaxSessions)" : ""),
                        cause);
            }
            Set<ClientChannelEvent> events =
                    channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Math.max(1, remainingMillis(deadline)));
            if (!events.contains(ClientChannelEvent.CLOSED)) {
                throw timedOut(request, true);
            }
        } catch (IOException e) {
            if (!usable(s)) {
                dropBroken(s);
            }
            throw new ConnectionLostException(
                    target.describe(),
                    "the SSH connection to " + target.hostName() + " broke while the command ran: " + e.getMessage(),
                    e);
        } finally {
            channel.close(true);
        }
        if (out.overflowed() || err.overflowed()) {
            throw new RemoteCommandException(
                    target.describe(),
                    "the command on " + target.hostName()
                            + " wrote more than " + pool.options.maxOutputBytes() + " bytes to "
                            + (out.overflowed() ? "stdout" : "stderr") + "; it was stopped");
        }
        Integer status = channel.getExitStatus();
        if (status == null) {
            String signal = channel.getExitSignal();
            if (signal != null) {
                status = 128 + signalNumber(signal);
            } else {
                boolean broken = !usable(s);
                if (broken) {
                    dropBroken(s);
                }
                throw new ConnectionLostException(
                        target.describe(),
                        (broken
                                        ? "the SSH connection to " + target.hostName()
                                                + " was lost while the command ran"
                                        : target.hostName() + " closed the command's channel without an exit status")
                                + "; whether it took effect is unknown");
            }
        }
        ExecResult result =
                new ExecResult(status, out.bytes(), err.bytes(), Duration.ofNanos(System.nanoTime() - started));
        if (request.privileged() && target.usesSudo()) {
            Optional<PrivilegeException> refused = SudoFailures.detect(target, request, result);
            if (refused.isPresent()) {
                throw refused.get();
            }
        }
        return result;
    }

    /**
     * Starts {@code request}'s command on its own channel and keeps it open as a {@link LineChannel}
     * (counted as an exec). Its exchanges take this host's mutation lock as {@link #exec} does; the
     * channel takes no permit of {@link SshConnectionPool.Options#maxChannelsPerHost()} (it is idle between exchanges).
     */
    LineChannel openChannel(ExecRequest request) throws HostException {
        long deadline = System.nanoTime() + request.timeout().toNanos();
        ClientSession s = ensureSession();
        String line = request.commandLine(target.usesSudo());
        ChannelExec channel = execChannel(s, line);
        SshLineChannel lines = new SshLineChannel(s, channel);
        channel.setOut(lines.out);
        channel.setErr(lines.err);
        pool.execs.increment();
        try {
            OpenFuture opened = channel.open();
            if (!opened.await(remainingMillis(deadline))) {
                lines.close();
                throw timedOut(request, true);
            }
            if (!opened.isOpened()) {
                Throwable cause = opened.getException();
                lines.close();
                if (!usable(s)) {
                    dropBroken(s);
                }
                throw new ConnectionLostException(
                        target.describe(),
                        target.hostName() + " refused to start the command: "
                                + (cause == null ? "channel not opened" : cause.getMessage())
                                + (usable(s) ? " (the server may limit sessions per connection: MaxSessions)" : ""),
                        cause);
            }
        } catch (IOException e) {
            lines.close();
            if (!usable(s)) {
                dropBroken(s);
            }
            throw new ConnectionLostException(
                    target.describe(),
                    "the SSH connection to " + target.hostName() + " broke while the command started: "
                            + e.getMessage(),
                    e);
        }
        channel.addCloseFutureListener(f -> lines.out.end());
        if (channel.isClosing() || !channel.isOpen()) {
            lines.out.end();
        }
        return lines;
    }

    /** A {@link LineChannel} on one exec channel of this connection. */
    private final class SshLineChannel extends StreamLineChannel {
        private final ClientSession session;
        private final ChannelExec channel;

        SshLineChannel(ClientSession session, ChannelExec channel) {
            super(target.describe(), target.hostName(), mutations, pool.options.maxOutputBytes());
            this.session = session;
            this.channel = channel;
        }

        @Override
        protected java.io.OutputStream input() throws IOException {
            java.io.OutputStream in = channel.getInvertedIn();
            if (in == null) {
                throw new IOException("the channel has no input stream");
            }
            return in;
        }

        /** The end of its input ends a session: EOF first, then a graceful close (forced by sshd later). */
        @Override
        protected void release() {
            try {
                java.io.OutputStream in = channel.getInvertedIn();
                if (in != null) {
                    in.close();
                }
            } catch (IOException | RuntimeException e) {
                // the channel is gone already
            }
            channel.close(false);
        }

        @Override
        protected boolean connectionLost() {
            if (usable(session)) {
                return false;
            }
            dropBroken(session);
            return true;
        }

        @Override
        public java.util.OptionalInt exitStatus() {
            Integer status = channel.getExitStatus();
            return status == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(status);
        }
    }

    private CommandTimeoutException timedOut(ExecRequest request, boolean started) {
        return new CommandTimeoutException(
                target.describe(),
                "the command on " + target.hostName()
                        + " did not finish within " + request.timeout()
                        + (request.access() == ExecRequest.Access.MUTATE
                                ? "; it may still be running and its effect is unknown: read the host's state before retrying"
                                : "")
                        + ". Increase the timeout if the host is just slow.",
                request.timeout(),
                started);
    }

    private CommandTimeoutException interrupted(ExecRequest request, boolean started) {
        return new CommandTimeoutException(
                target.describe(),
                "the operation on " + target.hostName() + " was cancelled",
                request.timeout(),
                started);
    }

    private static long remainingMillis(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private void sleep(long nanos, ExecRequest request) throws HostException {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(request, false);
        }
    }

    // ---- the session ----

    private static boolean usable(ClientSession s) {
        return s != null && s.isOpen() && !s.isClosing() && s.isAuthenticated();
    }

    ClientSession ensureSession() throws HostException {
        ClientSession s = session;
        if (usable(s)) {
            return s;
        }
        synchronized (connectLock) {
            s = session;
            if (usable(s)) {
                return s;
            }
            closeQuietly();
            s = connect();
            session = s;
            return s;
        }
    }

    private void dropBroken(ClientSession s) {
        synchronized (connectLock) {
            if (session == s) {
                closeQuietly();
            }
        }
    }

    private void closeQuietly() {
        ClientSession s = session;
        session = null;
        if (s != null) {
            s.close(true);
        }
        if (tunnel != null) {
            try {
                tunnel.close();
            } catch (IOException | RuntimeException e) {
                // the bastion session may be gone already
            }
            tunnel = null;
        }
    }

    void close() {
        synchronized (connectLock) {
            closeQuietly();
        }
    }

    private ClientSession connect() throws HostException {
        Credentials credentials = Credentials.load(target);
        SocketAddress address = address();
        ConnectionAttempt attempt = new ConnectionAttempt(target, credentials.agentSocket());
        Duration connectTimeout = target.timeouts().connect();
        ClientSession s;
        try {
            ConnectFuture future = pool.client.connect(
                    target.user(), address, AttributeRepository.ofKeyValuePair(ConnectionAttempt.KEY, attempt), null);
            if (!future.await(connectTimeout.toMillis())) {
                future.cancel();
                throw unreachable(
                        "no answer within " + connectTimeout + " (is the host up, and is the port " + target.port()
                                + " open to this machine?)",
                        null);
            }
            if (future.getException() != null) {
                throw unreachable(describeConnectFailure(future.getException()), future.getException());
            }
            s = future.getSession();
        } catch (IOException e) {
            throw unreachable(describeConnectFailure(e), e);
        } catch (UnresolvedAddressException e) {
            throw unreachable("the host name cannot be resolved", e);
        }
        try {
            credentials.keys().forEach(s::addPublicKeyIdentity);
            credentials.passwords().forEach(s::addPasswordIdentity);
            AuthFuture auth = s.auth();
            boolean done = auth.await(target.timeouts().authenticate().toMillis());
            Optional<HostKeyRejectedException> rejected = attempt.hostKeyRejection();
            if (rejected.isPresent()) {
                throw rejected.get();
            }
            if (!done) {
                throw unreachable(
                        (attempt.hostKeyChecked() ? "authentication" : "the SSH handshake") + " did not finish within "
                                + target.timeouts().authenticate(),
                        null);
            }
            if (!auth.isSuccess()) {
                Throwable cause = auth.getException();
                if (!attempt.hostKeyChecked()) {
                    throw unreachable(
                            "the SSH handshake failed: " + (cause == null ? "closed" : cause.getMessage()), cause);
                }
                throw new AuthenticationFailedException(
                        target.describe(),
                        "SSH authentication as " + target.user()
                                + " on " + target.hostName() + ":" + target.port() + " failed. Tried: "
                                + credentials.describe() + ". Check that one of these public keys is in ~"
                                + target.user()
                                + "/.ssh/authorized_keys on the host (or that the password is right), and that the user "
                                + "name is right." + (cause == null ? "" : " (" + cause.getMessage() + ")"),
                        cause);
            }
        } catch (HostException | RuntimeException e) {
            s.close(true);
            pool.failures.increment();
            throw e;
        } catch (IOException e) {
            s.close(true);
            pool.failures.increment();
            Optional<HostKeyRejectedException> rejected = attempt.hostKeyRejection();
            if (rejected.isPresent()) {
                throw rejected.get();
            }
            throw unreachable("the SSH handshake failed: " + e.getMessage(), e);
        }
        pool.opened.increment();
        return s;
    }

    /** Where to open the TCP connection: the host, or a local tunnel through the bastion. */
    private SocketAddress address() throws HostException {
        if (target.jump().isEmpty()) {
            InetSocketAddress a = new InetSocketAddress(target.hostName(), target.port());
            if (a.isUnresolved()) {
                pool.failures.increment();
                throw unreachable("the host name cannot be resolved (check the name, DNS or /etc/hosts)", null);
            }
            return a;
        }
        HostConnection bastion = pool.connection(target.jump().get());
        ClientSession js;
        try {
            js = bastion.ensureSession();
        } catch (HostException e) {
            pool.failures.increment();
            throw ViaBastion.wrap(e, target);
        }
        try {
            tunnel = js.createLocalPortForwardingTracker(
                    new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress(target.hostName(), target.port()));
            return tunnel.getBoundAddress().toInetSocketAddress();
        } catch (IOException | RuntimeException e) {
            pool.failures.increment();
            throw unreachable(
                    "the bastion " + target.jump().get().describe() + " could not open a tunnel: " + e.getMessage(), e);
        }
    }

    private HostUnreachableException unreachable(String why, Throwable cause) {
        return new HostUnreachableException(
                target.describe(),
                "cannot connect to " + target.hostName() + " port "
                        + target.port()
                        + (target.jump().isPresent()
                                ? " through " + target.jump().get().describe()
                                : "")
                        + ": " + why,
                cause);
    }

    private String describeConnectFailure(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof ConnectException) {
            return "connection refused (is sshd running and listening on port " + target.port() + "?)";
        }
        if (root instanceof NoRouteToHostException) {
            return "no route to host (check the address and the network)";
        }
        if (root instanceof UnknownHostException || root instanceof UnresolvedAddressException) {
            return "the host name cannot be resolved";
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static int signalNumber(String name) {
        Map<String, Integer> numbers = Map.of(
                "HUP", 1, "INT", 2, "QUIT", 3, "ILL", 4, "ABRT", 6, "KILL", 9, "SEGV", 11, "PIPE", 13, "ALRM", 14,
                "TERM", 15);
        return numbers.getOrDefault(name.replaceFirst("^SIG", ""), 0);
    }

    /** The credentials of one connection attempt, loaded (keys decrypted, agent checked). */
    record Credentials(List<KeyPair> keys, List<String> passwords, Optional<Path> agentSocket, List<String> tried) {

        static Credentials load(Target target) throws LocalConfigurationException {
            List<KeyPair> keys = new ArrayList<>();
            List<String> passwords = new ArrayList<>();
            List<String> tried = new ArrayList<>();
            Optional<Path> agent = Optional.empty();
            String host = target.describe();
            for (AuthSource source : target.auth()) {
                if (source instanceof AuthSource.PrivateKeyFile f) {
                    KeyLoader.Loaded loaded = KeyLoader.load(f, host);
                    keys.addAll(loaded.keys());
                    loaded.skipped().ifPresent(why -> tried.add("(skipped " + why + ")"));
                    loaded.keys().forEach(k -> tried.add("key " + f.path() + " " + describe(k.getPublic())));
                } else if (source instanceof AuthSource.PrivateKeyText t) {
                    KeyLoader.Loaded loaded = KeyLoader.load(t, host);
                    keys.addAll(loaded.keys());
                    loaded.keys().forEach(k -> tried.add("key " + t.name() + " " + describe(k.getPublic())));
                } else if (source instanceof AuthSource.Agent a) {
                    Optional<Path> socket = a.socket()
                            .or(() -> Optional.ofNullable(System.getenv("SSH_AUTH_SOCK"))
                                    .filter(v -> !v.isBlank())
                                    .map(Path::of));
                    if (socket.isEmpty()) {
                        throw new LocalConfigurationException(
                                host,
                                "ssh-agent is configured but SSH_AUTH_SOCK is "
                                        + "not set: start an agent (eval $(ssh-agent); ssh-add) or give the agent socket path");
                    }
                    if (!Files.exists(socket.get())) {
                        throw new LocalConfigurationException(
                                host,
                                "the ssh-agent socket " + socket.get()
                                        + " does not exist: is the agent running? (check SSH_AUTH_SOCK)");
                    }
                    agent = socket;
                    tried.add(agentKeys(socket.get(), host));
                } else if (source instanceof AuthSource.Password) {
                    passwords.add(((AuthSource.Password) source).password());
                    tried.add("password");
                }
            }
            return new Credentials(keys, passwords, agent, tried);
        }

        private static String agentKeys(Path socket, String host) throws LocalConfigurationException {
            try (UnixSocketAgent a = new UnixSocketAgent(socket)) {
                List<String> ids = new ArrayList<>();
                for (Map.Entry<PublicKey, String> id : a.getIdentities()) {
                    ids.add(describe(id.getKey()));
                }
                return "ssh-agent " + socket + " ("
                        + (ids.isEmpty()
                                ? "no keys: add one with ssh-add"
                                : ids.size() + " keys: " + String.join(", ", ids))
                        + ")";
            } catch (IOException | RuntimeException e) {
                throw new LocalConfigurationException(
                        host, "cannot use the ssh-agent at " + socket + ": " + e.getMessage(), e);
            }
        }

        private static String describe(PublicKey key) {
            return Fingerprints.keyType(key) + " " + Fingerprints.sha256(key);
        }

        String describe() {
            return tried.isEmpty() ? "nothing" : String.join("; ", tried);
        }
    }
}
