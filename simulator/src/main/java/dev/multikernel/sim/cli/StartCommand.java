package dev.multikernel.sim.cli;

import dev.multikernel.sim.kernel.HostTopology;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.multikernel.sim.ssh.SshKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code start}: runs N hosts in the foreground until {@code stop}, SIGTERM or Ctrl-C. */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = {
            "Start simulated hosts and stay in the foreground until 'multikernel-sim stop', SIGTERM or Ctrl-C.",
            "Writes into the state directory: id_ed25519 (client key), known_hosts, ssh_config, hosts.json "
                    + "and terraform/main.tf.json; and a test kernel image per host (hosts/NAME/boot/vmlinuz)."
        })
final class StartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StateDirOption stateDir;

    @Option(
            names = "--hosts",
            paramLabel = "N",
            defaultValue = "1",
            description = "Number of hosts (1..64, default ${DEFAULT-VALUE}).")
    int hosts;

    @Option(
            names = "--generation",
            paramLabel = "current|rfc-v2|mixed",
            defaultValue = "current",
            description =
                    "Kernel interface generation; mixed alternates current, rfc-v2, ... (default ${DEFAULT-VALUE}).")
    String generation;

    @Option(
            names = "--topology",
            paramLabel = "FILE",
            description = "Host topology JSON (CPUs, memory, devices) used for every host.")
    Path topology;

    @Option(
            names = "--base-port",
            paramLabel = "P",
            description = "SSH port of the first host; the others follow. Default: the ports of the last run "
                    + "on this state directory, else free ports.")
    Integer basePort;

    @Option(
            names = "--user",
            paramLabel = "NAME",
            description = "Login name on every host (repeatable; the first is the one ssh_config uses). "
                    + "Default: root and admin.")
    List<String> users = new ArrayList<>();

    @Option(
            names = "--authorized-keys",
            paramLabel = "FILE",
            description = "More public keys to accept (authorized_keys format), e.g. ~/.ssh/id_ed25519.pub.")
    List<Path> authorizedKeys = new ArrayList<>();

    @Option(
            names = "--name-prefix",
            paramLabel = "PREFIX",
            defaultValue = "sim",
            description = "Hosts are named PREFIX-1 .. PREFIX-N (default ${DEFAULT-VALUE}).")
    String namePrefix;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SimulatorOptions options;
        try {
            options = new SimulatorOptions(
                    stateDir.get(),
                    hosts,
                    GenerationChoice.parse(generation),
                    readTopology(),
                    basePort == null ? OptionalInt.empty() : OptionalInt.of(basePort),
                    users,
                    readKeys(),
                    namePrefix);
        } catch (IllegalArgumentException e) {
            err.println("multikernel-sim: " + e.getMessage());
            return 2;
        }
        Simulator sim;
        try {
            sim = Simulator.start(options, w -> err.println("multikernel-sim: warning: " + w));
        } catch (IOException e) {
            err.println("multikernel-sim: " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(sim::close, "multikernel-sim-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        printSummary(sim, out);
        try {
            sim.awaitStopRequest();
        } finally {
            sim.close();
        }
        err.println("multikernel-sim: stopped");
        return 0;
    }

    private Optional<HostTopology> readTopology() {
        if (topology == null) {
            return Optional.empty();
        }
        try {
            if (Files.size(topology) > 4L * 1024 * 1024) {
                throw new IllegalArgumentException("topology file " + topology + " is larger than 4 MiB");
            }
            return Optional.of(HostTopology.parse(Files.readString(topology)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read topology file " + topology + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("topology file " + topology + ": " + e.getMessage(), e);
        }
    }

    private List<PublicKey> readKeys() {
        List<PublicKey> keys = new ArrayList<>();
        for (Path file : authorizedKeys) {
            try {
                if (Files.size(file) > 1024 * 1024) {
                    throw new IllegalArgumentException("authorized keys file " + file + " is larger than 1 MiB");
                }
                keys.addAll(SshKeys.parseAuthorizedKeys(Files.readString(file)));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
        return keys;
    }

    private static void printSummary(Simulator sim, PrintWriter out) {
        StateDir dir = sim.stateDir();
        out.printf(
                "multikernel-sim: %d host%s ready (state dir %s)%n",
                sim.hosts().size(), sim.hosts().size() == 1 ? "" : "s", dir.root());
        for (SimulatedHost h : sim.hosts()) {
            out.printf(
                    "  %-10s %-8s 127.0.0.1:%-5d %s%n",
                    h.name(), GenerationChoice.label(h.spec().generation()), h.port(), h.hostKeyFingerprint());
        }
        String first = sim.hosts().get(0).name();
        out.printf("Log in:    ssh -F %s %s%n", dir.sshConfig(), first);
        out.printf("Kernel:    %s (a test image the hosts' kexec accepts; one per host)%n", dir.kernelImage(first));
        out.printf("Terraform: module \"sim\" { source = \"%s\" }%n", dir.terraformModule());
        out.printf("Stop:      multikernel-sim stop --state-dir %s   (or Ctrl-C)%n", dir.root());
        out.flush();
    }
}
