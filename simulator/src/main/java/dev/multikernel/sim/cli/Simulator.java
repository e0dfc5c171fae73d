package dev.multikernel.sim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multikernel.sim.kernel.HostTopology;
import dev.multikernel.sim.ssh.AtomicFiles;
import dev.multikernel.sim.ssh.HostSpec;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.multikernel.sim.ssh.SshKeys;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * A running set of simulated hosts sharing one state directory: one client key accepted by all, the
 * generated access files, a pid file and the admin socket. Usable in-process (tests) and by the CLI.
 *
 * <p>Only one simulator runs per state directory at a time (a file lock says so).
 */
public final class Simulator implements AutoCloseable {

    private final StateDir dir;
    private final List<SimulatedHost> hosts;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private AdminServer admin;
    private boolean closed;

    private Simulator(StateDir dir, List<SimulatedHost> hosts, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.hosts = List.copyOf(hosts);
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Starts the hosts and writes the access files.
     *
     * @param warnings receives one line per thing the user should know but that does not stop the start
     */
    public static Simulator start(SimulatorOptions options, Consumer<String> warnings) throws IOException {
        StateDir dir = options.stateDir();
        Files.createDirectories(dir.root());
        FileChannel lockChannel =
                FileChannel.open(dir.root().resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("a simulator is already running with state directory " + dir.root()
                    + readPid(dir).map(pid -> " (pid " + pid + ")").orElse("")
                    + "; stop it first with: multikernel-sim stop --state-dir " + dir.root());
        }
        List<SimulatedHost> started = new ArrayList<>();
        try {
            KeyPair clientKey = SshKeys.loadOrCreateEd25519(dir.privateKey(), "multikernel-sim-client");
            List<PublicKey> authorized = new ArrayList<>();
            authorized.add(clientKey.getPublic());
            authorized.addAll(options.extraAuthorizedKeys());
            HostTopology topology = options.topology().orElseGet(HostTopology::defaults);
            Map<String, Integer> previous = StateFiles.previousPorts(dir);
            for (int i = 0; i < options.hostCount(); i++) {
                String name = options.hostName(i);
                HostSpec spec =
                        new HostSpec(name, options.generation().forHost(i), topology, 0, options.users(), authorized);
                started.add(startHost(dir, spec, i, options, previous, warnings));
                SimKernelImage.writeFor(dir.hostDir(name));
            }
            Simulator sim = new Simulator(dir, started, lockChannel, lock);
            long pid = ProcessHandle.current().pid();
            AtomicFiles.write(dir.pidFile(), pid + "\n", "rw-r--r--");
            StateFiles.writeAll(dir, started, pid);
            sim.admin = AdminServer.start(dir.adminSocket(), new AdminCommands(sim)::handle);
            return sim;
        } catch (IOException | RuntimeException e) {
            for (SimulatedHost h : started) {
                closeQuietly(h);
            }
            Files.deleteIfExists(dir.pidFile());
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    private static SimulatedHost startHost(
            StateDir dir,
            HostSpec spec,
            int index,
            SimulatorOptions options,
            Map<String, Integer> previous,
            Consumer<String> warnings)
            throws IOException {
        Path hostDir = dir.hostDir(spec.name());
        if (options.basePort().isPresent()) {
            return SimulatedHost.start(spec.withPort(options.basePort().getAsInt() + index), hostDir);
        }
        Integer before = previous.get(spec.name());
        if (before != null) {
            try {
                return SimulatedHost.start(spec.withPort(before), hostDir);
            } catch (IOException e) {
                // Keeping the old port keeps users' copies of known_hosts valid; when it is taken, move on.
                warnings.accept("port " + before + " of " + spec.name() + " is no longer free; using another one "
                        + "(copies of the old known_hosts or ssh_config need the new port)");
            }
        }
        return SimulatedHost.start(spec, hostDir);
    }

    public StateDir stateDir() {
        return dir;
    }

    public List<SimulatedHost> hosts() {
        return hosts;
    }

    public Optional<SimulatedHost> host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    /** Asks the process that owns this simulator to stop (used by the admin "stop" command). */
    public void requestStop() {
        stopRequested.countDown();
    }

    /** Blocks until {@link #requestStop()} is called. */
    public void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    /**
     * Stops the admin socket, then every host (killing processes started over SSH), and removes the pid
     * file. Keys, host keys, the generated files and each host's kernel state stay for the next start.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (admin != null) {
            admin.close();
        }
        for (SimulatedHost h : hosts) {
            closeQuietly(h);
        }
        try {
            Files.deleteIfExists(dir.pidFile());
        } catch (IOException ignored) {
            // a stale pid file is recognised (the lock is free) and replaced by the next start
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
        stopRequested.countDown();
    }

    private static void closeQuietly(SimulatedHost h) {
        try {
            h.close();
        } catch (IOException | RuntimeException e) {
            System.err.println("multikernel-sim: error while stopping " + h.name() + ": " + e.getMessage());
        }
    }

    /** The pid in the state directory's pid file, if there is a readable one. */
    static Optional<Long> readPid(StateDir dir) {
        try {
            if (!Files.isRegularFile(dir.pidFile()) || Files.size(dir.pidFile()) > 64) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(
                    Files.readString(dir.pidFile(), StandardCharsets.US_ASCII).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Status of every host, as the admin "status" command returns it. */
    ObjectNode status() {
        ObjectNode reply = AdminServer.ok();
        reply.put("pid", ProcessHandle.current().pid());
        reply.put("stateDir", dir.root().toString());
        var list = reply.putArray("hosts");
        for (SimulatedHost h : hosts) {
            ObjectNode n = list.addObject();
            n.put("name", h.name());
            n.put("generation", GenerationChoice.label(h.spec().generation()));
            n.put("address", "127.0.0.1");
            n.put("port", h.port());
            n.put("bootId", h.kernel().bootId());
            n.put("sshConnections", h.sshConnections());
            n.put("hostKeyFingerprint", h.hostKeyFingerprint());
        }
        return reply;
    }
}
