package dev.multikernel.sim.executor;

import dev.multikernel.host.mkctl.MkctlBinary;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.mkctl.MkctlInstall;
import dev.multikernel.host.mkctl.MkctlOptions;
import dev.multikernel.host.ssh.SshConnectionPool;
import dev.multikernel.host.state.HostState;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.SimulatedHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A benchmark, not a test (run by scripts/bench-refresh.sh): refreshes N simulated hosts through
 * the executor, as {@code terraform plan} would, and reports SSH execs and wall time.
 *
 * <p>Three rounds: a first process that must deploy mkctl everywhere, a new process that finds
 * mkctl deployed (what every later {@code plan} sees), and a second refresh in that process on
 * open connections.
 */
public final class RefreshBenchmark {

    private RefreshBenchmark() {}

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        try (SimHosts sims = new SimHosts()) {
            List<SimulatedHost> list = new ArrayList<>();
            for (int i = 1; i <= hosts; i++) {
                list.add(sims.start("bench-" + i, InterfaceGeneration.CURRENT));
            }
            MkctlBinary binary = MkctlBinary.embedded();
            System.out.printf(
                    Locale.ROOT,
                    "refresh of %d simulated hosts, %d in parallel, mkctl %s (%d bytes)%n",
                    hosts,
                    parallelism,
                    binary.fileName(),
                    binary.size());
            System.out.printf(
                    Locale.ROOT,
                    "%-38s %8s %12s %12s %10s%n",
                    "round",
                    "wall ms",
                    "ssh execs",
                    "execs/host",
                    "connects");
            try (SshConnectionPool first = SshConnectionPool.create()) {
                round("1 new process, mkctl not deployed", sims, list, first, binary, parallelism);
            }
            try (SshConnectionPool second = SshConnectionPool.create()) {
                round("2 new process, mkctl deployed", sims, list, second, binary, parallelism);
                round("3 same process, connections open", sims, list, second, binary, parallelism);
            }
        }
    }

    private static void round(
            String name,
            SimHosts sims,
            List<SimulatedHost> hosts,
            SshConnectionPool pool,
            MkctlBinary binary,
            int parallelism)
            throws Exception {
        List<MkctlClient> clients = new ArrayList<>();
        for (SimulatedHost h : hosts) {
            clients.add(new MkctlClient(
                    pool.transport(sims.spec(h, "root")),
                    new MkctlInstall.Upload(MkctlInstall.DEFAULT_DIRECTORY, binary),
                    MkctlOptions.DEFAULTS));
        }
        roundWith(name, hosts, pool, clients, parallelism);
    }

    private static void roundWith(
            String name, List<SimulatedHost> hosts, SshConnectionPool pool, List<MkctlClient> clients, int parallelism)
            throws Exception {
        long execsBefore = pool.stats().execs();
        long connectsBefore = pool.stats().connectionsOpened();
        ExecutorService threads = Executors.newFixedThreadPool(parallelism);
        long start = System.nanoTime();
        try {
            List<Future<HostState>> futures = new ArrayList<>();
            for (MkctlClient c : clients) {
                futures.add(threads.submit(c::state));
            }
            for (int i = 0; i < futures.size(); i++) {
                HostState s = futures.get(i).get();
                if (!s.bootId().equals(hosts.get(i).kernel().bootId())) {
                    throw new IllegalStateException(
                            "wrong state for " + hosts.get(i).name());
                }
            }
        } finally {
            threads.shutdownNow();
        }
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        long execs = pool.stats().execs() - execsBefore;
        System.out.printf(
                Locale.ROOT,
                "%-38s %8d %12d %12.2f %10d%n",
                name,
                wallMs,
                execs,
                (double) execs / hosts.size(),
                pool.stats().connectionsOpened() - connectsBefore);
    }
}
