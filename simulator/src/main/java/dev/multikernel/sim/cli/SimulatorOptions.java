package dev.multikernel.sim.cli;

import dev.multikernel.sim.kernel.HostTopology;
import dev.multikernel.sim.ssh.HostSpec;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How to start a set of simulated hosts.
 *
 * @param stateDir        where keys, generated files and each host's state live
 * @param hostCount       how many hosts (1..64)
 * @param generation      which interface generation each host speaks
 * @param topology        the topology of every host (empty: the kernel model's default)
 * @param basePort        first SSH port (host i gets basePort + i - 1); empty: the ports of the last run on
 *                        this state directory, else any free port
 * @param users           login names on every host
 * @param extraAuthorizedKeys public keys accepted besides the generated client key
 * @param namePrefix      hosts are named {@code <prefix>-1 .. <prefix>-N}
 */
public record SimulatorOptions(
        StateDir stateDir,
        int hostCount,
        GenerationChoice generation,
        Optional<HostTopology> topology,
        OptionalInt basePort,
        List<String> users,
        List<PublicKey> extraAuthorizedKeys,
        String namePrefix) {

    public static final int MAX_HOSTS = 64;

    public SimulatorOptions {
        if (hostCount < 1 || hostCount > MAX_HOSTS) {
            throw new IllegalArgumentException("--hosts must be 1.." + MAX_HOSTS + ", got " + hostCount);
        }
        if (basePort.isPresent() && (basePort.getAsInt() < 1 || basePort.getAsInt() + hostCount - 1 > 65535)) {
            throw new IllegalArgumentException(
                    "--base-port " + basePort.getAsInt() + " leaves no room for " + hostCount + " hosts below 65536");
        }
        if (!namePrefix.matches("[a-z0-9][a-z0-9-]{0,20}")) {
            throw new IllegalArgumentException("name prefix '" + namePrefix
                    + "' is not valid: lower-case letters, digits and '-', at most 21 characters");
        }
        users = List.copyOf(users.isEmpty() ? HostSpec.DEFAULT_USERS : users);
        extraAuthorizedKeys = List.copyOf(extraAuthorizedKeys);
    }

    /** Defaults for everything but the state directory and the number of hosts. */
    public static SimulatorOptions defaults(StateDir stateDir, int hostCount) {
        return new SimulatorOptions(
                stateDir,
                hostCount,
                GenerationChoice.CURRENT,
                Optional.empty(),
                OptionalInt.empty(),
                HostSpec.DEFAULT_USERS,
                List.of(),
                "sim");
    }

    public SimulatorOptions withGeneration(GenerationChoice choice) {
        return new SimulatorOptions(
                stateDir, hostCount, choice, topology, basePort, users, extraAuthorizedKeys, namePrefix);
    }

    public SimulatorOptions withBasePort(int port) {
        return new SimulatorOptions(
                stateDir,
                hostCount,
                generation,
                topology,
                OptionalInt.of(port),
                users,
                extraAuthorizedKeys,
                namePrefix);
    }

    /** The name of the host at {@code index} (0-based). */
    public String hostName(int index) {
        return namePrefix + "-" + (index + 1);
    }
}
