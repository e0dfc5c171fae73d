package dev.multikernel.sim.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.InstanceResources;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.mkctl.Errno;
import dev.multikernel.host.mkctl.KernelRefusedException;
import dev.multikernel.host.mkctl.MkctlBinary;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.mkctl.MkctlException;
import dev.multikernel.host.mkctl.MkctlInstall;
import dev.multikernel.host.mkctl.MkctlOperation;
import dev.multikernel.host.mkctl.MkctlOptions;
import dev.multikernel.host.ssh.ConnectionLostException;
import dev.multikernel.host.ssh.HostTransport;
import dev.multikernel.host.ssh.SshConnectionPool;
import dev.multikernel.host.state.HostState;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.SimulatedHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mkctl client over {@code mkctl session} through real SSH and the real mkctl, against simulated
 * hosts: one exec for many requests, concurrent callers, sessions killed in the middle of a read
 * and of a mutation, a host whose mkctl refuses sessions, and the same exceptions as one command per
 * call.
 */
class MkctlSessionClientTest {

    static SimHosts sims;

    @BeforeAll
    static void start() throws Exception {
        sims = new SimHosts();
    }

    @AfterAll
    static void stop() throws Exception {
        sims.close();
    }

    static MkctlClient client(SshConnectionPool pool, SimulatedHost host, MkctlOptions options) throws Exception {
        return new MkctlClient(
                pool.transport(sims.spec(host, "root")),
                new MkctlInstall.Upload(MkctlInstall.DEFAULT_DIRECTORY, MkctlBinary.embedded()),
                options);
    }

    static MkctlOptions sessions() {
        return MkctlOptions.DEFAULTS.withSessions(2);
    }

    static byte[] create(String name, int id, long... cpus) {
        return Fdt.write(OverlayTransaction.of(new OverlayOperation.InstanceCreate(
                        name,
                        OptionalInt.of(id),
                        new InstanceResources(
                                16L << 20, Arrays.stream(cpus).boxed().toList(), List.of())))
                .toTree());
    }

    /** The mkctl session processes running for this test JVM's simulated hosts. */
    static List<ProcessHandle> sessionProcesses() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> {
                    String[] args = p.info().arguments().orElse(new String[0]);
                    String cmd = p.info().command().orElse("");
                    return cmd.contains("mkctl-") && args.length > 0 && args[args.length - 1].equals("session");
                })
                .toList();
    }

    static void waitFor(java.util.function.BooleanSupplier check, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!check.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void manyRequestsCostOneExecOnOneConnection() throws Exception {
        SimulatedHost host = sims.start("ses-many", InterfaceGeneration.CURRENT);
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            MkctlClient mk = client(pool, host, sessions());
            mk.state(); // deploys and checks mkctl: one-shot commands
            long execs = pool.stats().execs();
            mk.mount();
            mk.baseline(MkctlEndToEndTest.baseline());
            mk.applyOverlay(create("web", 1, 2, 4));
            for (int i = 0; i < 20; i++) {
                assertThat(mk.state().instance("web")).isPresent();
            }
            assertThat(pool.stats().execs() - execs).as("one exec: the session").isEqualTo(1);
            assertThat(mk.sessionsStarted()).isEqualTo(1);
            assertThat(pool.stats().connectionsOpened()).isEqualTo(1);
            assertThat(sessionProcesses()).hasSize(1);

            // the same calls one-shot: one exec each
            MkctlClient oneShot = client(pool, host, MkctlOptions.DEFAULTS.withoutSessions());
            oneShot.state();
            execs = pool.stats().execs();
            for (int i = 0; i < 20; i++) {
                oneShot.state();
            }
            assertThat(pool.stats().execs() - execs).isEqualTo(20);
        }
        waitFor(() -> sessionProcesses().isEmpty(), "closing the pool ends the session on the host");
    }

    @Test
    void concurrentCallersGetTheirOwnAnswers() throws Exception {
        SimulatedHost host = sims.start("ses-conc", InterfaceGeneration.CURRENT);
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            MkctlClient mk = client(pool, host, sessions());
            mk.mount();
            mk.baseline(MkctlEndToEndTest.baseline());
            String bootId = host.kernel().bootId();
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int mine = 900 + t;
                    futures.add(threads.submit(() -> {
                        for (int i = 0; i < 6; i++) {
                            HostState s = mk.state();
                            assertThat(s.bootId()).isEqualTo(bootId);
                            assertThat(s.pool()).isPresent();
                            // an error answer names the transaction asked for: each caller gets its own
                            Throwable e = catchThrowable(() -> mk.removeOverlay(mine));
                            assertThat(e).isInstanceOf(KernelRefusedException.class);
                            assertThat(((MkctlException) e)
                                            .error()
                                            .orElseThrow()
                                            .transactionId())
                                    .hasValue(mine);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(mk.sessionsStarted()).isBetween(1L, 2L);
        }
    }

    @Test
    void aReadWhoseSessionIsKilledIsSentAgainOnANewSession() throws Exception {
        SimulatedHost host = sims.start("ses-read", InterfaceGeneration.CURRENT);
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            MkctlClient mk = client(pool, host, sessions());
            mk.state();
            mk.mount(); // the session is up
            assertThat(sessionProcesses()).hasSize(1);
            long execs = pool.stats().execs();
            host.kernel().faults().slowReplies(Duration.ofMillis(60));
            ExecutorService one = Executors.newSingleThreadExecutor();
            try {
                Future<HostState> read = one.submit(mk::state);
                Thread.sleep(300); // in the middle of the read's kernel accesses
                assertThat(read.isDone()).isFalse();
                sessionProcesses().forEach(ProcessHandle::destroyForcibly);
                host.kernel().faults().slowReplies(Duration.ZERO);
                assertThat(read.get(60, TimeUnit.SECONDS).bootId())
                        .isEqualTo(host.kernel().bootId());
            } finally {
                one.shutdownNow();
                host.kernel().faults().clear();
            }
            assertThat(mk.sessionsStarted()).isEqualTo(2);
            assertThat(pool.stats().execs() - execs)
                    .as("one exec: the new session")
                    .isEqualTo(1);
            assertThat(pool.stats().connectionsOpened())
                    .as("the connection survived")
                    .isEqualTo(1);
        }
    }

    @Test
    void aMutationWhoseSessionIsKilledIsALostAnswerAndRunsOnce() throws Exception {
        SimulatedHost host = sims.start("ses-write", InterfaceGeneration.CURRENT);
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            MkctlClient mk = client(pool, host, sessions());
            mk.mount();
            mk.baseline(MkctlEndToEndTest.baseline());
            assertThat(host.kernel().list("/sys/fs/multikernel/overlays")).noneMatch(n -> n.startsWith("tx_"));
            long execs = pool.stats().execs();
            host.kernel().faults().slowReplies(Duration.ofMillis(150));
            ExecutorService one = Executors.newSingleThreadExecutor();
            Throwable lost;
            try {
                Future<?> write = one.submit(() -> mk.applyOverlay(create("web", 1, 2)));
                // the kernel took the write; mkctl is still reading the transaction back
                waitFor(
                        () -> {
                            try {
                                return host.kernel().list("/sys/fs/multikernel/overlays").stream()
                                        .anyMatch(n -> n.startsWith("tx_"));
                            } catch (Exception e) {
                                return false;
                            }
                        },
                        "the transaction appears");
                assertThat(write.isDone()).isFalse();
                sessionProcesses().forEach(ProcessHandle::destroyForcibly);
                lost = catchThrowable(() -> write.get(60, TimeUnit.SECONDS));
            } finally {
                one.shutdownNow();
                host.kernel().faults().clear();
            }
            assertThat(lost).hasCauseInstanceOf(ConnectionLostException.class);
            assertThat(lost.getCause()).hasMessageContaining("whether it took effect is unknown");
            assertThat(pool.stats().execs() - execs)
                    .as("not sent again, on a session or one-shot")
                    .isZero();
            // the kernel did it once, and reading shows it
            HostState state = mk.state();
            assertThat(state.instance("web")).isPresent();
            assertThat(state.transactions()).hasSize(1);
            assertThat(mk.sessionsStarted()).as("the dead session was replaced").isEqualTo(2);
        }
    }

    @Test
    void aRequestWhoseConnectionIsCutAfterItRanIsALostAnswerAndACutReadIsSentAgain() throws Exception {
        SimulatedHost host = sims.start("ses-cut", InterfaceGeneration.CURRENT);
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            MkctlClient mk = client(pool, host, sessions());
            mk.mount();
            mk.baseline(MkctlEndToEndTest.baseline());
            // the request runs to its end on the host, then the connection is cut before its answer
            host.sshFaults()
                    .dropNextConnectionAtCommand(dev.multikernel.sim.ssh.CommandDrop.AFTER_EXIT, "overlay-apply");
            Throwable lost = catchThrowable(() -> mk.applyOverlay(create("web", 1, 2)));
            assertThat(lost).isInstanceOf(ConnectionLostException.class).hasMessageContaining("unknown");
            HostState state = mk.state();
            assertThat(state.instance("web")).isPresent();
            assertThat(state.transactions()).as("ran once").hasSize(1);
            assertThat(pool.stats().connectionsOpened()).isEqualTo(2);

            // a read cut before mkctl saw it goes again on a new session (and a new connection)
            host.sshFaults().dropNextConnectionAtCommand(dev.multikernel.sim.ssh.CommandDrop.BEFORE_START, " state ");
            long started = mk.sessionsStarted();
            assertThat(mk.state().instance("web")).isPresent();
            assertThat(mk.sessionsStarted()).isEqualTo(started + 1);
            assertThat(pool.stats().connectionsOpened()).isEqualTo(3);
        }
    }

    /** Errors over a session: the same class, message, error object and completed results as one-shot. */
    @Test
    void errorsAreTheSameExceptionsAsOneShot() throws Exception {
        SimulatedHost host = sims.start("ses-err", InterfaceGeneration.CURRENT);
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            MkctlClient session = client(pool, host, sessions());
            MkctlClient oneShot = client(pool, host, MkctlOptions.DEFAULTS.withoutSessions());
            session.mount();
            session.baseline(MkctlEndToEndTest.baseline());
            oneShot.mount();
            record Case(String name, Call call) {}
            List<Case> cases = List.of(
                    new Case("baseline again", mk -> mk.baseline(MkctlEndToEndTest.baseline())),
                    new Case("no such transaction", mk -> mk.removeOverlay(999)),
                    new Case("no such kernel", mk -> mk.load(1, "/no/such/vmlinuz", Optional.empty(), "")),
                    new Case("unload nothing", mk -> mk.unload(7)),
                    new Case(
                            "batch stopping at its second operation",
                            mk -> mk.batch(List.of(
                                    new MkctlOperation.Mount(),
                                    new MkctlOperation.OverlayRemove(998),
                                    new MkctlOperation.State()))));
            long execs = pool.stats().execs();
            for (Case c : cases) {
                Throwable s = catchThrowable(() -> c.call().on(session));
                Throwable o = catchThrowable(() -> c.call().on(oneShot));
                assertThat(o).as(c.name()).isInstanceOf(MkctlException.class);
                assertThat(s).as(c.name()).hasSameClassAs(o).hasMessage(o.getMessage());
                assertThat(((MkctlException) s).error()).as(c.name()).isEqualTo(((MkctlException) o).error());
                assertThat(((MkctlException) s).completed()).as(c.name()).isEqualTo(((MkctlException) o).completed());
            }
            assertThat(pool.stats().execs() - execs).as("one-shot calls only").isEqualTo(cases.size());
            assertThat(((KernelRefusedException) catchThrowable(() -> session.removeOverlay(999))).errno())
                    .hasValue(Errno.ENOENT);
        }
    }

    interface Call {
        Object on(MkctlClient mk) throws Exception;
    }

    @Test
    void anMkctlWithoutSessionsIsUsedOneShot() throws Exception {
        SimulatedHost host = sims.start("ses-old", InterfaceGeneration.CURRENT);
        // an mkctl from before sessions: the real one behind a wrapper that refuses the subcommand
        Path bin = Files.createDirectories(host.homeOf("root").resolve("old-mkctl"));
        Path real = bin.resolve("mkctl-real");
        Files.write(real, MkctlBinary.embedded().content());
        real.toFile().setExecutable(true);
        Path wrapper = bin.resolve("mkctl");
        Files.writeString(
                wrapper,
                "#!/bin/sh\n"
                        + "for a in \"$@\"; do [ \"$a\" = session ] && { echo '{\"error\":{\"operation\":\"session\","
                        + "\"kind\":\"usage\",\"errno\":null,\"errno_number\":null,\"call\":null,\"path\":null,"
                        + "\"message\":\"unknown subcommand session\"}}'; exit 2; }; done\n"
                        + "exec " + real + " \"$@\"\n");
        wrapper.toFile().setExecutable(true);
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            MkctlClient mk = new MkctlClient(
                    pool.transport(sims.spec(host, "root")),
                    new MkctlInstall.Preinstalled(wrapper.toString()),
                    sessions());
            mk.state(); // version check + state
            long execs = pool.stats().execs();
            for (int i = 0; i < 5; i++) {
                mk.state();
            }
            assertThat(mk.sessionsRefused())
                    .hasValueSatisfying(why -> assertThat(why).contains("does not know sessions"));
            assertThat(pool.stats().execs() - execs)
                    .as("the refused try, then one command per call")
                    .isEqualTo(1 + 5);
            assertThat(mk.sessionsStarted()).isZero();
        }
    }

    @Test
    void closingTheTransportEndsItsSessionsOnTheHost() throws Exception {
        SimulatedHost host = sims.start("ses-close", InterfaceGeneration.CURRENT);
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            HostTransport transport = pool.transport(sims.spec(host, "root"));
            MkctlClient mk = new MkctlClient(
                    transport,
                    new MkctlInstall.Upload(MkctlInstall.DEFAULT_DIRECTORY, MkctlBinary.embedded()),
                    sessions());
            mk.state();
            mk.state();
            assertThat(sessionProcesses()).hasSize(1);
            transport.close();
            waitFor(() -> sessionProcesses().isEmpty(), "the session ends on the host");
            assertThat(pool.connectedHosts()).as("the pooled connection stays").hasSize(1);
        }
    }
}
