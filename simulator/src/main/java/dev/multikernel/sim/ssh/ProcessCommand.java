package dev.multikernel.sim.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * One exec or shell request run as a real process: the channel's data goes to its stdin, its stdout and
 * stderr go back unchanged on the channel's two streams, and its exit code becomes the exit status.
 *
 * <p>An {@code mkctl session} (a command line ending in {@code session}) is relayed line by line,
 * so that the "drop at command" fault can hit one of its requests: each request line counts as a
 * command whose command line is its operations' names between spaces ({@code " overlay-apply "},
 * {@code " load "}); see {@link SshFaults#dropNextConnectionAtCommand}.
 */
final class ProcessCommand implements Command {

    private static final int CHUNK = 8192;

    private static final Pattern SESSION_COMMAND = Pattern.compile(".*\\bsession'?\\s*$");
    private static final Pattern OP = Pattern.compile("\"op\":\"([a-z0-9-]+)\"");

    private final ProcessLauncher launcher;
    private final Function<Environment, List<String>> argv;
    private final String commandLine;
    private final SshFaults faults;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exitCallback;
    private volatile Process process;
    /** In a session: the answer to the request that an AFTER_EXIT drop hit is not relayed. */
    private volatile boolean cutAtNextAnswer;

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
        boolean session = SESSION_COMMAND.matcher(commandLine).matches();
        Thread stdin = daemon(name + "-stdin", () -> {
            if (session) {
                pumpSessionRequests(started, channel);
            } else {
                pumpStdin(started);
            }
        });
        Thread stderr = daemon(
                name + "-stderr",
                () -> pump(started.getErrorStream(), cutAfterExit ? OutputStream.nullOutputStream() : err));
        Thread stdoutAndExit = daemon(name + "-stdout", () -> {
            if (session && !cutAfterExit) {
                pumpSessionAnswers(started.getInputStream(), channel);
            } else {
                pump(started.getInputStream(), cutAfterExit ? OutputStream.nullOutputStream() : out);
            }
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

    /** Session requests to the process, line by line, each checked against the armed drop. */
    private void pumpSessionRequests(Process p, ChannelSession channel) {
        try (OutputStream toProcess = p.getOutputStream()) {
            InputStream requests = new java.io.BufferedInputStream(in, CHUNK);
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            int b;
            while ((b = requests.read()) >= 0) {
                line.write(b);
                if (b != '\n') {
                    continue;
                }
                Optional<CommandDrop> drop = faults.takeCommandDrop(operations(line.toString(StandardCharsets.UTF_8)));
                if (drop.isPresent() && drop.get() == CommandDrop.BEFORE_START) {
                    HostSshServer.cut(channel.getSession());
                    return;
                }
                if (drop.isPresent()) {
                    cutAtNextAnswer = true;
                }
                line.writeTo(toProcess);
                toProcess.flush();
                line.reset();
            }
            line.writeTo(toProcess);
        } catch (IOException e) {
            // The process closed its stdin or the channel went away; either way there is nothing to feed.
        }
    }

    /** A session request line as the command line a drop fault is matched against: its operations. */
    static String operations(String requestLine) {
        StringBuilder sb = new StringBuilder(" ");
        Matcher m = OP.matcher(requestLine);
        while (m.find()) {
            sb.append(m.group(1)).append(' ');
        }
        return sb.toString();
    }

    /** Session answers to the channel, line by line; the one an AFTER_EXIT drop hit cuts the connection. */
    private void pumpSessionAnswers(InputStream from, ChannelSession channel) {
        OutputStream sink = out;
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        try (InputStream answers = new java.io.BufferedInputStream(from, CHUNK)) {
            int b;
            while ((b = answers.read()) >= 0) {
                line.write(b);
                if (b != '\n') {
                    continue;
                }
                if (cutAtNextAnswer) {
                    cutAtNextAnswer = false;
                    sink = OutputStream.nullOutputStream();
                    HostSshServer.cut(channel.getSession());
                }
                try {
                    line.writeTo(sink);
                    sink.flush();
                } catch (IOException channelGone) {
                    sink = OutputStream.nullOutputStream();
                }
                line.reset();
            }
            line.writeTo(sink);
            sink.flush();
        } catch (IOException e) {
            // The process side closed; nothing more to relay.
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
