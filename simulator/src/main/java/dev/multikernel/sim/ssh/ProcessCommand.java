package dev.multikernel.sim.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * One exec or shell request run as a real process: the channel's data goes to its stdin, its stdout and
 * stderr go back unchanged on the channel's two streams, and its exit code becomes the exit status.
 */
final class ProcessCommand implements Command {

    private static final int CHUNK = 8192;

    private final ProcessLauncher launcher;
    private final Function<Environment, List<String>> argv;
    private final String commandLine;
    private final SshFaults faults;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exitCallback;
    private volatile Process process;

    ProcessCommand(
            ProcessLauncher launcher, Function<Environment, List<String>> argv, String commandLine, SshFaults faults) {
        this.launcher = launcher;
        this.argv = argv;
        this.commandLine = commandLine;
        this.faults = faults;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exitCallback = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        Optional<CommandDrop> drop = faults.takeCommandDrop(commandLine);
        if (drop.isPresent() && drop.get() == CommandDrop.BEFORE_START) {
            HostSshServer.cut(channel.getSession());
            return;
        }
        boolean cutAfterExit = drop.isPresent();
        String user = channel.getSession().getUsername();
        List<String> command = argv.apply(env);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(launcher.config().homeOf(user).toFile());
        builder.environment().clear();
        builder.environment().putAll(launcher.environment(channel.getServerSession(), env.getEnv()));
        Process started;
        try {
            started = builder.start();
        } catch (IOException e) {
            throw new IOException(
                    "cannot start " + command + " for simulated host '"
                            + launcher.config().hostName() + "': " + e.getMessage(),
                    e);
        }
        process = started;
        launcher.started(started);
        String name = "sim-ssh-" + launcher.config().hostName() + "-pid" + started.pid();
        Thread stdin = daemon(name + "-stdin", () -> pumpStdin(started));
        Thread stderr = daemon(
                name + "-stderr",
                () -> pump(started.getErrorStream(), cutAfterExit ? OutputStream.nullOutputStream() : err));
        Thread stdoutAndExit = daemon(name + "-stdout", () -> {
            pump(started.getInputStream(), cutAfterExit ? OutputStream.nullOutputStream() : out);
            int code = awaitExit(started, stderr);
            launcher.ended(started);
            if (cutAfterExit) {
                HostSshServer.cut(channel.getSession());
            } else {
                exitCallback.onExit(code);
            }
        });
        stdin.start();
        stderr.start();
        stdoutAndExit.start();
    }

    @Override
    public void destroy(ChannelSession channel) {
        Process p = process;
        if (p != null) {
            // The connection is gone: nothing started through it may outlive it.
            ProcessLauncher.killTree(p);
            launcher.ended(p);
        }
    }

    private static int awaitExit(Process p, Thread stderrPump) {
        try {
            stderrPump.join();
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessLauncher.killTree(p);
            return 255;
        }
    }

    private void pumpStdin(Process p) {
        try (OutputStream toProcess = p.getOutputStream()) {
            byte[] buf = new byte[CHUNK];
            int n;
            while ((n = in.read(buf)) >= 0) {
                toProcess.write(buf, 0, n);
                toProcess.flush();
            }
        } catch (IOException e) {
            // The process closed its stdin or the channel went away; either way there is nothing to feed.
        }
    }

    private static void pump(InputStream from, OutputStream to) {
        byte[] buf = new byte[CHUNK];
        OutputStream sink = to;
        try (from) {
            int n;
            while ((n = from.read(buf)) >= 0) {
                try {
                    sink.write(buf, 0, n);
                    sink.flush();
                } catch (IOException channelGone) {
                    // Keep draining so the process never blocks on a full pipe; it is killed with its channel.
                    sink = OutputStream.nullOutputStream();
                }
            }
        } catch (IOException e) {
            // The process side closed; nothing more to relay.
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
