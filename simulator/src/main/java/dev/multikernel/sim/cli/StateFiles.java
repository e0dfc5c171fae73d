package dev.multikernel.sim.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multikernel.sim.ssh.AtomicFiles;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.multikernel.sim.ssh.SshKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the files that let people and tools reach the running hosts: known_hosts, ssh_config,
 * hosts.json and a Terraform module. Each is replaced whole, never left half written.
 */
final class StateFiles {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final long MAX_HOSTS_JSON_BYTES = 4L * 1024 * 1024;

    private StateFiles() {}

    static void writeAll(StateDir dir, List<SimulatedHost> hosts, long pid) throws IOException {
        AtomicFiles.write(dir.knownHosts(), knownHosts(hosts), "rw-r--r--");
        AtomicFiles.write(dir.sshConfig(), sshConfig(dir, hosts), "rw-r--r--");
        AtomicFiles.write(dir.hostsJson(), JSON.writeValueAsString(hostsJson(dir, hosts, pid)) + "\n", "rw-r--r--");
        AtomicFiles.write(
                dir.terraformModule().resolve("main.tf.json"),
                JSON.writeValueAsString(terraformModule(dir, hosts)) + "\n",
                "rw-r--r--");
    }

    static String knownHosts(List<SimulatedHost> hosts) {
        StringBuilder sb = new StringBuilder();
        sb.append("# multikernel-sim host keys; they stay the same across restarts on this state directory\n");
        for (SimulatedHost h : hosts) {
            sb.append(h.knownHostsLine()).append('\n');
        }
        return sb.toString();
    }

    static String sshConfig(StateDir dir, List<SimulatedHost> hosts) {
        StringBuilder sb = new StringBuilder();
        sb.append("# multikernel-sim hosts. Use: ssh -F ")
                .append(dir.sshConfig())
                .append(' ')
                .append(hosts.get(0).name())
                .append('\n');
        sb.append("# or add to ~/.ssh/config: Include ").append(dir.sshConfig()).append("\n");
        for (SimulatedHost h : hosts) {
            sb.append('\n')
                    .append("Host ")
                    .append(h.name())
                    .append('\n')
                    .append("  HostName 127.0.0.1\n")
                    .append("  Port ")
                    .append(h.port())
                    .append('\n')
                    .append("  User ")
                    .append(h.spec().users().get(0))
                    .append('\n')
                    .append("  IdentityFile \"")
                    .append(dir.privateKey())
                    .append("\"\n")
                    .append("  IdentitiesOnly yes\n")
                    .append("  UserKnownHostsFile \"")
                    .append(dir.knownHosts())
                    .append("\"\n")
                    .append("  StrictHostKeyChecking yes\n");
        }
        return sb.toString();
    }

    static ObjectNode hostsJson(StateDir dir, List<SimulatedHost> hosts, long pid) {
        ObjectNode root = JSON.createObjectNode();
        root.put("stateDir", dir.root().toString());
        root.put("pid", pid);
        root.put("adminSocket", dir.adminSocket().toString());
        root.put("privateKeyFile", dir.privateKey().toString());
        root.put("knownHostsFile", dir.knownHosts().toString());
        root.put("sshConfigFile", dir.sshConfig().toString());
        ArrayNode list = root.putArray("hosts");
        for (SimulatedHost h : hosts) {
            ObjectNode n = list.addObject();
            n.put("name", h.name());
            n.put("address", "127.0.0.1");
            n.put("port", h.port());
            n.put("generation", GenerationChoice.label(h.spec().generation()));
            ArrayNode users = n.putArray("users");
            h.spec().users().forEach(users::add);
            n.put("hostKey", SshKeys.publicKeyLine(h.hostPublicKey(), ""));
            n.put("hostKeyFingerprint", h.hostKeyFingerprint());
            n.put("kernelSocket", h.kernelSocket().toString());
            n.put("stateDir", h.stateDir().toString());
            n.put("kernelImage", dir.kernelImage(h.name()).toString());
        }
        return root;
    }

    /** A module: {@code module "sim" { source = "<state>/terraform" }}, then {@code module.sim.hosts["sim-1"]}. */
    static ObjectNode terraformModule(StateDir dir, List<SimulatedHost> hosts) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode outputs = root.putObject("output");
        ObjectNode hostsOut = outputs.putObject("hosts");
        hostsOut.put(
                "description",
                "Simulated multikernel hosts by name: SSH address, port, user, "
                        + "interface generation, pinned host key and the path of a test kernel image on the host.");
        ObjectNode value = hostsOut.putObject("value");
        for (SimulatedHost h : hosts) {
            ObjectNode n = value.putObject(h.name());
            n.put("address", "127.0.0.1");
            n.put("port", h.port());
            n.put("user", h.spec().users().get(0));
            n.put("generation", GenerationChoice.label(h.spec().generation()));
            n.put("host_key", SshKeys.publicKeyLine(h.hostPublicKey(), ""));
            n.put("host_key_fingerprint", h.hostKeyFingerprint());
            n.put("kernel_image", dir.kernelImage(h.name()).toString());
        }
        ObjectNode key = outputs.putObject("private_key_file");
        key.put("description", "The client private key every simulated host accepts.");
        key.put("value", dir.privateKey().toString());
        ObjectNode kh = outputs.putObject("known_hosts_file");
        kh.put("description", "known_hosts file with every simulated host's key.");
        kh.put("value", dir.knownHosts().toString());
        return root;
    }

    /** The SSH ports of the previous run on this state directory, by host name (empty when unknown). */
    static Map<String, Integer> previousPorts(StateDir dir) {
        Map<String, Integer> ports = new HashMap<>();
        Path file = dir.hostsJson();
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_HOSTS_JSON_BYTES) {
                return ports;
            }
            JsonNode root = JSON.readTree(Files.readString(file));
            for (JsonNode h : root.path("hosts")) {
                String name = h.path("name").asText("");
                int port = h.path("port").asInt(0);
                if (!name.isEmpty() && port > 0 && port <= 65535) {
                    ports.put(name, port);
                }
            }
        } catch (JsonProcessingException e) {
            // An unreadable hosts.json only costs the old ports; it is rewritten below.
        } catch (IOException e) {
            // same
        }
        return ports;
    }
}
