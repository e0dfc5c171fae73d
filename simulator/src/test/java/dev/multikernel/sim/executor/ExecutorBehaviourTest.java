package dev.multikernel.sim.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.InstanceResources;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.mkctl.MkctlBinary;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.mkctl.MkctlInstall;
import dev.multikernel.host.mkctl.MkctlOptions;
import dev.multikernel.host.mkctl.MkctlResult;
import dev.multikernel.host.ssh.ConnectionLostException;
import dev.multikernel.host.ssh.HostUnreachableException;
import dev.multikernel.host.ssh.SshConnectionPool;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.CommandDrop;
import dev.multikernel.sim.ssh.SimulatedHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Concurrency, reboots and broken connections, end to end against simulated hosts. */
class ExecutorBehaviourTest {

    static SimHosts sims;

    @BeforeAll
    static void start() throws Exception {
        sims = new SimHosts();
    }

    @AfterAll
    static void stop() throws Exception {
        sims.close();
    }

    /**
     * One command per call: these tests are about the transport's rules for commands (the faults
     * hit a command by its name); the same rules over mkctl session are in MkctlSessionClientTest.
     */
    static MkctlClient client(SshConnectionPool pool, SimulatedHost host) throws Exception {
        return new MkctlClient(
                pool.transport(sims.spec(host, "root")),
                new MkctlInstall.Upload(MkctlInstall.DEFAULT_DIRECTORY, MkctlBinary.embedded()),
                MkctlOptions.DEFAULTS.withoutSessions());
    }

    static byte[] create(String name, int id, long cpu) {
        return Fdt.write(OverlayTransaction.of(new OverlayOperation.InstanceCreate(
                        name, OptionalInt.of(id), new InstanceResources(16L << 20, List.of(cpu), List.of())))
                .toTree());
    }

    static <T> List<T> inParallel(List<Callable<T>> tasks) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            tasks.forEach(t -> futures.add(threads.submit(t)));
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void concurrentMutationsOnOneHostAllApplyOneAfterAnother() throws Exception {
        SimulatedHost host = sims.start("bh-conc", InterfaceGeneration.CURRENT);
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            MkctlClient mk = client(pool, host);
            mk.mount();
            mk.baseline(MkctlEndToEndTest.baseline());
            long[] cpus = {2, 4, 6, 16};
            List<Callable<MkctlResult.OverlayApplied>> tasks = new ArrayList<>();
            for (int i = 0; i < cpus.length; i++) {
                int n = i;
                tasks.add(() -> mk.applyOverlay(create("vm" + n, n + 1, cpus[n])));
            }
            List<MkctlResult.OverlayApplied> results = inParallel(tasks);
            Set<Integer> ids = new TreeSet<>();
            results.forEach(r -> ids.add(r.transaction().id()));
            assertThat(ids).hasSize(cpus.length);
            HostState state = mk.state();
            assertThat(state.instances()).extracting(i -> i.name()).containsExactly("vm0", "vm1", "vm2", "vm3");
            assertThat(state.instances()).allMatch(i -> i.status() == InstanceStatus.READY);
            // one connection carried it all
            assertThat(pool.stats().connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void severalHostsAreReadInParallelOnTheirOwnConnections() throws Exception {
        List<SimulatedHost> hosts = List.of(
                sims.start("bh-par-1", InterfaceGeneration.CURRENT),
                sims.start("bh-par-2", InterfaceGeneration.RFC_V2),
                sims.start("bh-par-3", InterfaceGeneration.CURRENT));
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            List<Callable<HostState>> reads = new ArrayList<>();
            for (SimulatedHost h : hosts) {
                MkctlClient mk = client(pool, h);
                reads.add(mk::state);
            }
            List<HostState> states = inParallel(reads);
            for (int i = 0; i < hosts.size(); i++) {
                assertThat(states.get(i).bootId())
                        .isEqualTo(hosts.get(i).kernel().bootId());
            }
            assertThat(pool.connectedHosts()).hasSize(3);
            assertThat(pool.stats().connectionsOpened()).isEqualTo(3);
        }
    }

    @Test
    void aHostRebootedBetweenTwoReadsShowsANewBootId() throws Exception {
        SimulatedHost host = sims.start("bh-reboot", InterfaceGeneration.CURRENT);
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            MkctlClient mk = client(pool, host);
            mk.mount();
            mk.baseline(MkctlEndToEndTest.baseline());
            mk.applyOverlay(create("web", 1, 2));
            HostState before = mk.state();
            assertThat(before.instance("web")).isPresent();

            String newBootId = host.reboot();

            HostState after = mk.state();
            assertThat(after.bootId()).isEqualTo(newBootId).isNotEqualTo(before.bootId());
            // the reboot cut the connection; the read reconnected by itself
            assertThat(pool.stats().connectionsOpened()).isEqualTo(2);
            assertThat(after.instance("web")).isEmpty();
        }
    }

    @Test
    void aReadCutOffBeforeItRanIsRetried() throws Exception {
        SimulatedHost host = sims.start("bh-drop-read", InterfaceGeneration.CURRENT);
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            MkctlClient mk = client(pool, host);
            mk.state();
            host.sshFaults().dropNextConnectionAtCommand(CommandDrop.BEFORE_START, " state");
            assertThat(mk.state().bootId()).isEqualTo(host.kernel().bootId());
            assertThat(pool.stats().readRetries()).isEqualTo(1);
        }
    }

    @Test
    void aMutationWhoseAnswerIsLostIsAnErrorNotASuccess() throws Exception {
        SimulatedHost host = sims.start("bh-drop-write", InterfaceGeneration.CURRENT);
        try (SshConnectionPool pool = SshConnectionPool.create()) {
            MkctlClient mk = client(pool, host);
            mk.mount();
            mk.baseline(MkctlEndToEndTest.baseline());
            host.sshFaults().dropNextConnectionAtCommand(CommandDrop.AFTER_EXIT, "overlay-apply");
            assertThatThrownBy(() -> mk.applyOverlay(create("web", 1, 2)))
                    .isInstanceOf(ConnectionLostException.class)
                    .hasMessageContaining("unknown");
            // not retried: the kernel did it once, and reading shows it
            assertThat(pool.stats().readRetries()).isZero();
            HostState state = mk.state();
            assertThat(state.instance("web")).isPresent();
            assertThat(state.transactions()).hasSize(1);
        }
    }

    @Test
    void anUnreachableHostIsAnErrorNeverAnEmptyState() throws Exception {
        SimulatedHost host = sims.start("bh-down", InterfaceGeneration.CURRENT);
        SshConnectionPool.Options fast = SshConnectionPool.Options.DEFAULTS.withReadAttempts(2);
        try (SshConnectionPool pool = SshConnectionPool.create(fast)) {
            MkctlClient mk = client(pool, host);
            mk.state();
            host.sshFaults().refuseConnectionsFor(Duration.ofSeconds(30));
            host.sshFaults().dropAllConnections();
            assertThatThrownBy(mk::state)
                    .isInstanceOf(HostUnreachableException.class)
                    .hasMessageContaining("127.0.0.1 port " + host.port());
            assertThat(pool.stats().readRetries()).isEqualTo(1);
            host.sshFaults().clear();
        }
    }
}
