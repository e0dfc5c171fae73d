package dev.multikernel.sim.cli;

import java.nio.file.Path;

/**
 * The files of one simulator state directory. Everything a user needs to reach the hosts is at its top;
 * each host's own state is under {@code hosts/<name>/}.
 *
 * <pre>
 *   id_ed25519, id_ed25519.pub   client key accepted by every host (OpenSSH format, 0600)
 *   known_hosts                  one "[127.0.0.1]:PORT ssh-ed25519 ..." line per host
 *   ssh_config                   a Host block per host: ssh -F ssh_config sim-1
 *   hosts.json                   names, addresses, ports, generations, host keys, kernel sockets
 *   terraform/main.tf.json       a Terraform module whose outputs describe the hosts
 *   simulator.pid, admin.sock    present while the simulator runs
 *   hosts/&lt;name&gt;/                one simulated host (see SimulatedHost)
 *   hosts/&lt;name&gt;/boot/vmlinuz    a test kernel image the host's kexec loader accepts
 * </pre>
 */
public record StateDir(Path root) {

    public StateDir {
        root = root.toAbsolutePath().normalize();
    }

    public Path privateKey() {
        return root.resolve("id_ed25519");
    }

    public Path publicKey() {
        return root.resolve("id_ed25519.pub");
    }

    public Path knownHosts() {
        return root.resolve("known_hosts");
    }

    public Path sshConfig() {
        return root.resolve("ssh_config");
    }

    public Path hostsJson() {
        return root.resolve("hosts.json");
    }

    public Path terraformModule() {
        return root.resolve("terraform");
    }

    public Path pidFile() {
        return root.resolve("simulator.pid");
    }

    public Path adminSocket() {
        return root.resolve("admin.sock");
    }

    public Path hostDir(String name) {
        return root.resolve("hosts").resolve(name);
    }

    /** The test kernel image of host {@code name}: an absolute path valid on that host. */
    public Path kernelImage(String name) {
        return hostDir(name).resolve(SimKernelImage.RELATIVE_PATH);
    }
}
