package dev.multikernel.sim.ssh;

import dev.multikernel.sim.kernel.HostTopology;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import java.security.PublicKey;
import java.util.List;

/**
 * What one simulated host is: its name, the kernel it runs, and who may log in.
 *
 * @param name           host name: lower-case letters, digits and '-', at most 32 characters (it names
 *                       directories and sockets)
 * @param generation     the multikernel interface generation its kernel speaks
 * @param topology       its CPUs, memory and devices
 * @param port           SSH port on 127.0.0.1; 0 picks a free one
 * @param users          login names; {@code root} is privileged, the others use {@code sudo}
 * @param authorizedKeys public keys accepted for every user
 */
public record HostSpec(
        String name,
        InterfaceGeneration generation,
        HostTopology topology,
        int port,
        List<String> users,
        List<PublicKey> authorizedKeys) {

    /** The users of a host when none are given: root, and one unprivileged account. */
    public static final List<String> DEFAULT_USERS = List.of("root", "admin");

    public HostSpec {
        if (!name.matches("[a-z0-9][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException("host name '" + name + "' is not valid: use lower-case letters, "
                    + "digits and '-', starting with a letter or digit, at most 32 characters");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException("host '" + name + "' needs at least one user");
        }
        users = List.copyOf(users);
        authorizedKeys = List.copyOf(authorizedKeys);
    }

    /** A host with the default topology, any free port, the default users and no authorized key yet. */
    public static HostSpec of(String name, InterfaceGeneration generation) {
        return new HostSpec(name, generation, HostTopology.defaults(), 0, DEFAULT_USERS, List.of());
    }

    public HostSpec withTopology(HostTopology newTopology) {
        return new HostSpec(name, generation, newTopology, port, users, authorizedKeys);
    }

    public HostSpec withPort(int newPort) {
        return new HostSpec(name, generation, topology, newPort, users, authorizedKeys);
    }

    public HostSpec withUsers(List<String> newUsers) {
        return new HostSpec(name, generation, topology, port, newUsers, authorizedKeys);
    }

    public HostSpec withAuthorizedKeys(List<PublicKey> keys) {
        return new HostSpec(name, generation, topology, port, users, keys);
    }
}
