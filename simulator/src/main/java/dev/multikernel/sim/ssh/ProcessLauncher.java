package dev.multikernel.sim.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;

/**
 * Turns exec and shell requests into real processes on this machine, with the environment a login on
 * the simulated host would have, and keeps track of them so none outlives the host.
 */
final class ProcessLauncher {

    /** Variables that name the simulated host; a client's {@code SendEnv}/{@code SetEnv} cannot change them. */
    private static final List<String> PROTECTED_PREFIXES = List.of("MKCTL_SIM_", "MULTIKERNEL_SIM_");

    private static final Set<String> PROTECTED_NAMES =
            Set.of("HOME", "USER", "LOGNAME", "SHELL", "PATH", "SSH_CONNECTION");
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** uid reported to the kernel socket for an unprivileged login (and 0 for root or under sudo). */
    static final String UNPRIVILEGED_UID = "1000";

    private static final Path BASH = Path.of("/bin/bash");
    private static final Path SCRIPT = Path.of("/usr/bin/script");

    private final SshHostConfig config;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.LongAdder execs = new java.util.concurrent.atomic.LongAdder();

    ProcessLauncher(SshHostConfig config) {
        this.config = config;
    }

    Command exec(ChannelSession channel, String commandLine, SshFaults faults) {
        execs.increment();
        // Exec requests never get a terminal, so stdout and stderr stay two separate streams.
        return new ProcessCommand(this, env -> List.of("/bin/sh", "-c", commandLine), commandLine, faults);
    }

    /** Exec requests received so far (each one a command started). */
    long execs() {
        return execs.sum();
    }

    Command shell(ChannelSession channel, SshFaults faults) {
        return new ProcessCommand(this, this::shellCommand, "shell", faults);
    }

    /**
     * An interactive login. When the client asked for a terminal, util-linux {@code script} gives the shell
     * a real pseudo-terminal on this machine, so echo, line editing and Ctrl-C behave as on a real host.
     */
    private List<String> shellCommand(Environment env) {
        List<String> shell = Files.isExecutable(BASH)
                ? List.of(BASH.toString(), "--norc", "--noprofile", "-i")
                : List.of("/bin/sh", "-i");
        // A pty-req always sets COLUMNS and LINES; its modes are empty when the client has no terminal itself.
        boolean ptyRequested = !env.getPtyModes().isEmpty() || env.getEnv().containsKey(Environment.ENV_COLUMNS);
        if (!ptyRequested || !Files.isExecutable(SCRIPT)) {
            return shell;
        }
        String cols = digitsOr(env.getEnv().get(Environment.ENV_COLUMNS), "80");
        String rows = digitsOr(env.getEnv().get(Environment.ENV_LINES), "24");
        return List.of(
                SCRIPT.toString(),
                "-qef",
                "-c",
                "stty cols " + cols + " rows " + rows + " 2>/dev/null; exec " + String.join(" ", shell),
                "/dev/null");
    }

    private static String digitsOr(String value, String fallback) {
        return value != null && value.matches("[0-9]{1,5}") ? value : fallback;
    }

    SshHostConfig config() {
        return config;
    }

    void started(Process process) {
        live.add(process);
    }

    void ended(Process process) {
        live.remove(process);
    }

    /** Kills every process (and its descendants) still running. */
    void killAll() {
        for (Process p : List.copyOf(live)) {
            killTree(p);
        }
    }

    static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /**
     * Writes the {@code sudo} stand-in into {@code binDir}: processes already run as the simulator's own
     * user, so it only marks the command that follows as privileged ({@code MKCTL_SIM_UID=0}).
     */
    static void installSudo(Path binDir) throws IOException {
        Path sudo = binDir.resolve("sudo");
        AtomicFiles.write(sudo, SUDO_SCRIPT, "rwxr-xr-x");
    }

    private static final String SUDO_SCRIPT = """
            #!/bin/sh
            # multikernel-sim stand-in for sudo. Commands on a simulated host run as the simulator's own
            # user; this only marks the command as privileged for the simulated kernel (MKCTL_SIM_UID=0).
            while [ $# -gt 0 ]; do
              case "$1" in
                --) shift; break ;;
                -u|-g|-p|-C|-h|-U|-D|-R|-r|-t|-T) shift 2 ;;
                -*) shift ;;
                *) break ;;
              esac
            done
            if [ $# -eq 0 ]; then
              echo "sudo (multikernel-sim): no command given" >&2
              exit 1
            fi
            MKCTL_SIM_UID=0
            export MKCTL_SIM_UID
            exec "$@"
            """;

    /** The environment of a process started for {@code session}: a clean login environment, not the JVM's. */
    Map<String, String> environment(ServerSession session, Map<String, String> clientEnv) {
        String user = session.getUsername();
        Map<String, String> env = new LinkedHashMap<>();
        String inheritedPath = System.getenv().getOrDefault("PATH", DEFAULT_PATH);
        env.put("PATH", config.binDir().toAbsolutePath() + ":" + inheritedPath);
        env.put("LANG", "C.UTF-8");
        clientEnv.forEach((name, value) -> {
            if (!isProtected(name)) {
                env.put(name, value);
            }
        });
        env.put("HOME", config.homeOf(user).toAbsolutePath().toString());
        env.put("USER", user);
        env.put("LOGNAME", user);
        env.put("SHELL", "/bin/sh");
        String connection = connectionString(session.getClientAddress(), session.getLocalAddress());
        if (!connection.isEmpty()) {
            env.put("SSH_CONNECTION", connection);
        }
        env.put("MULTIKERNEL_SIM_HOST", config.hostName());
        // The machine's own host name would show in prompts; show the simulated host's instead.
        env.put(
                "PS1",
                "root".equals(user) ? "\\u@" + config.hostName() + ":\\w# " : "\\u@" + config.hostName() + ":\\w$ ");
        env.put("MKCTL_SIM_UID", "root".equals(user) ? "0" : UNPRIVILEGED_UID);
        env.putAll(config.environment());
        return env;
    }

    private static boolean isProtected(String name) {
        return PROTECTED_NAMES.contains(name) || PROTECTED_PREFIXES.stream().anyMatch(name::startsWith);
    }

    private static String connectionString(SocketAddress client, SocketAddress local) {
        if (client instanceof InetSocketAddress c && local instanceof InetSocketAddress l) {
            return c.getAddress().getHostAddress() + " " + c.getPort() + " "
                    + l.getAddress().getHostAddress() + " " + l.getPort();
        }
        return "";
    }
}
