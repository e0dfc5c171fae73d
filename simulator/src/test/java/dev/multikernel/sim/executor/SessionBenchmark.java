package dev.multikernel.sim.executor;

import dev.multikernel.host.mkctl.MkctlBinary;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.mkctl.MkctlInstall;
import dev.multikernel.host.mkctl.MkctlOptions;
import dev.multikernel.host.ssh.SshConnectionPool;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.multikernel.sim.ssh.SimulatedHost;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark, not a test (run by scripts/bench-session.sh): the latency of one mkctl call on an
 * open SSH connection to a simulated host, one command per call against a request on an open
 * {@code mkctl session}; median and 90th percentile of N calls, and the SSH execs they cost.
 */
public final class SessionBenchmark {

    private SessionBenchmark() {}

    interface Call {
        void run(MkctlClient mk) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        try (SimHosts sims = new SimHosts();
                SshConnectionPool pool = SshConnectionPool.create()) {
            SimulatedHost host = sims.start("bench-ses", InterfaceGeneration.CURRENT);
            MkctlClient setup = client(sims, pool, host, MkctlOptions.DEFAULTS.withoutSessions());
            setup.state();
            setup.mount();
            setup.baseline(MkctlEndToEndTest.baseline());
            setup.applyOverlay(MkctlEndToEndTest.create("web", 1, 2, 4));
            System.out.printf(Locale.ROOT, "%d calls each on one open SSH connection to a simulated host%n", n);
            System.out.printf(Locale.ROOT, "%-34s %10s %10s %10s%n", "call", "median ms", "p90 ms", "ssh execs");
            for (String mode : List.of("one-shot", "session")) {
                MkctlOptions options = mode.equals("session")
                        ? MkctlOptions.DEFAULTS.withSessions(1)
                        : MkctlOptions.DEFAULTS.withoutSessions();
                MkctlClient mk = client(sims, pool, host, options);
                mk.state(); // deploy check (and, with sessions, the next call starts the session)
                mk.state();
                measure(mode + ": state (read)", n, pool, mk, MkctlClient::state);
                measure(mode + ": mount (mutation, no-op)", n, pool, mk, MkctlClient::mount);
                mk.close();
            }
        }
    }

    private static MkctlClient client(SimHosts sims, SshConnectionPool pool, SimulatedHost host, MkctlOptions o)
            throws Exception {
        return new MkctlClient(
                pool.transport(sims.spec(host, "root")),
                new MkctlInstall.Upload(MkctlInstall.DEFAULT_DIRECTORY, MkctlBinary.embedded()),
                o);
    }

    private static void measure(String name, int n, SshConnectionPool pool, MkctlClient mk, Call call)
            throws Exception {
        for (int i = 0; i < 5; i++) {
            call.run(mk);
        }
        long execs = pool.stats().execs();
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            call.run(mk);
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        Collections.sort(ms);
        System.out.printf(
                Locale.ROOT,
                "%-34s %10.2f %10.2f %10d%n",
                name,
                ms.get(n / 2),
                ms.get(Math.min(n - 1, (int) Math.ceil(n * 0.9) - 1)),
                pool.stats().execs() - execs);
    }
}
